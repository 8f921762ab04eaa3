import MQTTCodec
import Testing

/// Seeded random valid packets of every type: encode, decode, compare.
@Suite struct RandomRoundTripTests {
    @Test(arguments: [UInt64(1), 2, 3, 0xC0DEC])
    func encodeThenDecodeGivesTheSamePacket(seed: UInt64) throws {
        var generator = RandomPackets(seed: seed)
        var typesSeen = Set<PacketType>()
        for index in 0..<1_500 {
            let packet = generator.packet()
            typesSeen.insert(packet.type)
            var buffer = packet.encoded()
            guard buffer.readableBytes == packet.encodedSize else {
                Issue.record(
                    "packet \(index): encodedSize \(packet.encodedSize), wrote \(buffer.readableBytes): \(packet)")
                return
            }
            let decoded = try PacketDecoder().decode(from: &buffer)
            guard decoded == packet, buffer.readableBytes == 0 else {
                Issue.record("packet \(index) (seed \(seed)) came back as \(String(describing: decoded)): \(packet)")
                return
            }
        }
        #expect(typesSeen == Set(PacketType.allCases))
    }

    /// The same packets as one stream through the frame decoder in random chunks, with the output
    /// checked after the last feed (so every payload slice must have survived the later feeds).
    @Test(arguments: [UInt64(11), 12])
    func streamInRandomChunksGivesTheSamePackets(seed: UInt64) throws {
        var generator = RandomPackets(seed: seed)
        let packets = (0..<1_000).map { _ in generator.packet() }
        var stream = ByteBuffer()
        for packet in packets { packet.encode(into: &stream) }
        #expect(stream.readableBytes == packets.reduce(0) { $0 + $1.encodedSize })

        let bytes = stream.bytes
        var decoder = FrameDecoder()
        var decoded: [Packet] = []
        var random = SplitMix64(seed: seed)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + Int.random(in: 1...700, using: &random))
            decoder.feed(bytes[start..<end])
            while let packet = try decoder.next() { decoded.append(packet) }
            start = end
        }
        #expect(decoded.count == packets.count)
        #expect(decoded == packets)
        #expect(decoder.bufferedBytes == 0)
    }

    @Test func generatorIsDeterministic() {
        var first = RandomPackets(seed: 42)
        var second = RandomPackets(seed: 42)
        var third = RandomPackets(seed: 43)
        let a = (0..<50).map { _ in first.packet() }
        #expect(a == (0..<50).map { _ in second.packet() })
        #expect(a != (0..<50).map { _ in third.packet() })
    }

    @Test func splitMix64MatchesPublishedValues() {
        // First outputs for seed 0 from the reference implementation (Vigna's splitmix64.c).
        var random = SplitMix64(seed: 0)
        #expect(random.next() == 0xE220_A839_7B1D_CDAF)
        #expect(random.next() == 0x6E78_9E6A_A1B9_65F4)
    }
}

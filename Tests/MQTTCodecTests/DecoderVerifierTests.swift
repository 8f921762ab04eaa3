import MQTTCodec
import Testing

/// However the bytes are split, the decoder yields the same packets (and the same error).
@Suite struct DecoderVerifierTests {
    @Test(arguments: SpecVectors.all)
    func everyVectorSurvivesEverySplit(_ vector: SpecVector) {
        let failures = DecoderVerifier().verify(vector.bytes, expecting: .init(packets: [vector.packet]))
        #expect(failures.isEmpty, "\(failures.prefix(3))")
    }

    @Test func allVectorsBackToBackInOneStream() {
        let stream = SpecVectors.all.flatMap(\.bytes)
        let failures = DecoderVerifier().verify(stream, expecting: .init(packets: SpecVectors.all.map(\.packet)))
        #expect(failures.isEmpty, "\(failures.prefix(3))")
    }

    @Test func vectorsInReverseOrderInOneStream() {
        let vectors = Array(SpecVectors.all.reversed())
        let failures = DecoderVerifier(randomSeeds: [7, 8, 9, 10, 11])
            .verify(vectors.flatMap(\.bytes), expecting: .init(packets: vectors.map(\.packet)))
        #expect(failures.isEmpty, "\(failures.prefix(3))")
    }

    @Test(arguments: MalformedCases.all)
    func malformedInputFailsTheSameWayEverySplit(_ row: MalformedCase) {
        var verifier = DecoderVerifier()
        verifier.maximumRemainingLength = row.limit
        let failures = verifier.verify(row.bytes, expecting: .init(packets: [], error: row.error))
        #expect(failures.isEmpty, "\(failures.prefix(3))")
    }

    @Test func validPacketsBeforeAMalformedOneAreDelivered() {
        let good = SpecVectors.publish[2]
        let ping = SpecVectors.bodiless[0]
        let stream = good.bytes + ping.bytes + hex("62 02 00 00") + good.bytes
        let failures = DecoderVerifier().verify(
            stream, expecting: .init(packets: [good.packet, ping.packet], error: .zeroPacketID(.pubRel)))
        #expect(failures.isEmpty, "\(failures.prefix(3))")
    }

    @Test func largePublishAcrossManyFeeds() throws {
        // A 20,000-byte payload (three-byte remaining length) crosses many chunk boundaries and
        // forces the frame decoder's buffer to grow and compact.
        let payloadBytes = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let packet = Packet.publish(
            Publish(topic: topic("big/one"), payload: ByteBuffer(bytes: payloadBytes), qos: .atLeastOnce, packetID: 9))
        let bytes = frame(0x32, field("big/one") + u16(9) + payloadBytes)
        #expect(bytes[1...3] == [0xAB, 0x9C, 0x01])  // 20,011 = 43 + 28·128 + 1·16384
        let verifier = DecoderVerifier(randomSeeds: [5])
        for (name, chunks) in verifier.deliveries(of: bytes.count) where !name.hasPrefix("split") {
            let shifted = chunks.map { ($0.lowerBound + bytes.count)..<($0.upperBound + bytes.count) }
            let outcome = verifier.decode(bytes + bytes, in: chunks + shifted)
            #expect(outcome.packets == [packet, packet], "\(name)")
            #expect(outcome.error == nil && outcome.bufferedBytes == 0, "\(name)")
        }
    }

    @Test func payloadsSurviveLaterFeeds() throws {
        var decoder = FrameDecoder()
        decoder.feed(SpecVectors.publish[0].bytes)
        let first = try decoder.next()
        // Refill and drain many times: with a copy-on-write bug the first payload would be overwritten.
        for _ in 0..<100 {
            decoder.feed(hex("C0 00 D0 00"))
            _ = try decoder.next()
            _ = try decoder.next()
        }
        #expect(first == SpecVectors.publish[0].packet)
        #expect(decoder.bufferedBytes == 0)
    }

    @Test func verifierReportsAWrongExpectation() {
        // The verifier must be able to fail: a wrong packet, a missing error and leftovers all show.
        let vector = SpecVectors.acknowledgements[0]
        let wrongPacket = DecoderVerifier().verify(vector.bytes, expecting: .init(packets: [.pingReq]))
        #expect(wrongPacket.count == DecoderVerifier().deliveries(of: vector.bytes.count).count)
        let missingError = DecoderVerifier().verify(
            vector.bytes, expecting: .init(packets: [vector.packet], error: .invalidQoS))
        #expect(!missingError.isEmpty)
        let leftovers = DecoderVerifier().verify(vector.bytes + [0x40], expecting: .init(packets: [vector.packet]))
        #expect(leftovers.allSatisfy { $0.problem.contains("left buffered") } && !leftovers.isEmpty)
    }

    @Test func deliveriesCoverEveryByteExactlyOnce() {
        for (name, chunks) in DecoderVerifier().deliveries(of: 37) {
            #expect(chunks.flatMap { Array($0) } == Array(0..<37), "\(name)")
            #expect(chunks.allSatisfy { !$0.isEmpty }, "\(name)")
        }
    }
}

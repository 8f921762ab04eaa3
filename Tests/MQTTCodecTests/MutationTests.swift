import MQTTCodec
import Testing

// Seeded mutations of valid encodings, and pure garbage. Whatever the bytes, the decoder must not
// crash or loop: it yields packets that survive a re-encode, asks for more bytes, or throws a
// `DecodeError` (the only error its typed `throws` can produce).

/// What one mutated frame did to the decoder.
enum MutationOutcome: Hashable {
    case decodedAll
    case needsMoreBytes
    case rejected
}

/// The ways a frame is damaged.
enum Mutation: CaseIterable {
    case flipBit, replaceByte, insertByte, deleteByte, truncate, changeRemainingLength, duplicateRange, swapBytes

    func apply(to bytes: [UInt8], using random: inout SplitMix64) -> [UInt8] {
        var bytes = bytes
        guard !bytes.isEmpty else { return random.bytes(Int.random(in: 1...4, using: &random)) }
        let index = Int.random(in: 0..<bytes.count, using: &random)
        switch self {
        case .flipBit: bytes[index] ^= 1 << UInt8.random(in: 0...7, using: &random)
        case .replaceByte: bytes[index] = UInt8.random(in: 0...255, using: &random)
        case .insertByte: bytes.insert(UInt8.random(in: 0...255, using: &random), at: index)
        case .deleteByte: bytes.remove(at: index)
        case .truncate: bytes.removeLast(Int.random(in: 1...bytes.count, using: &random))
        case .changeRemainingLength:
            if bytes.count > 1 {
                bytes[1] =
                    random.chance(1, in: 2)
                    ? bytes[1] &+ UInt8.random(in: 1...3, using: &random) &- 2
                    : UInt8.random(in: 0...255, using: &random)
            }
        case .duplicateRange:
            let end = Int.random(in: index...bytes.count, using: &random)
            bytes.insert(contentsOf: bytes[index..<end], at: end)
        case .swapBytes: bytes.swapAt(index, Int.random(in: 0..<bytes.count, using: &random))
        }
        return bytes
    }
}

/// Decodes `bytes` (bounded), checking every decoded packet round-trips; records an issue otherwise.
func checkArbitraryInput(_ bytes: [UInt8], maximumRemainingLength: Int = ByteBuffer.maximumRemainingLength)
    -> MutationOutcome
{
    var decoder = FrameDecoder(maximumRemainingLength: maximumRemainingLength)
    decoder.feed(bytes)
    // Every packet takes at least two bytes: more iterations than that is a hang.
    for _ in 0...(bytes.count / 2 + 1) {
        let packet: Packet?
        do {
            packet = try decoder.next()
        } catch {
            return .rejected
        }
        guard let packet else { return decoder.bufferedBytes == 0 ? .decodedAll : .needsMoreBytes }
        var reencoded = packet.encoded()
        let size = reencoded.readableBytes
        guard size == packet.encodedSize else {
            Issue.record("encodedSize \(packet.encodedSize) but wrote \(size) for \(packet) from \(hexString(bytes))")
            return .rejected
        }
        do {
            let again = try PacketDecoder().decode(from: &reencoded)
            if again != packet || reencoded.readableBytes != 0 {
                Issue.record("\(packet) re-decoded as \(String(describing: again)) from \(hexString(bytes))")
            }
        } catch {
            Issue.record("re-encoding of \(packet) does not decode: \(error); input \(hexString(bytes))")
        }
    }
    Issue.record("decoder did not finish within its bound on \(hexString(bytes))")
    return .rejected
}

@Suite struct MutationTests {
    /// Valid frames to damage: every spec vector and a batch of random packets, alone and in pairs.
    static func seedFrames(seed: UInt64) -> [[UInt8]] {
        var generator = RandomPackets(seed: seed)
        var frames = SpecVectors.all.map(\.bytes)
        for _ in 0..<200 {
            let packet = generator.packet()
            if packet.encodedSize < 2_000 { frames.append(packet.encoded().bytes) }
        }
        frames += zip(frames, frames.dropFirst(3)).prefix(50).map { $0 + $1 }
        return frames
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func mutatedFramesNeverCrash(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let frames = Self.seedFrames(seed: seed)
        var outcomes: [MutationOutcome: Int] = [:]
        for _ in 0..<3_000 {
            var bytes = random.pick(frames)
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                bytes = random.pick(Mutation.allCases).apply(to: bytes, using: &random)
            }
            let limit =
                random.chance(1, in: 8) ? Int.random(in: 0...64, using: &random) : ByteBuffer.maximumRemainingLength
            outcomes[checkArbitraryInput(bytes, maximumRemainingLength: limit), default: 0] += 1
        }
        // Each outcome must be common, or the mutations are too weak (or too strong) to mean much.
        for outcome in [MutationOutcome.decodedAll, .needsMoreBytes, .rejected] {
            #expect(outcomes[outcome, default: 0] > 100, "\(outcome): \(outcomes)")
        }
    }

    @Test func everySingleByteValueAtEveryPosition() {
        // Exhaustive single-byte replacement over a few small frames of different types.
        let frames = [SpecVectors.connect[1].bytes, SpecVectors.subscriptions[0].bytes, SpecVectors.publish[5].bytes]
        var count = 0
        for frame in frames {
            for index in frame.indices {
                for value in 0...255 where UInt8(value) != frame[index] {
                    var bytes = frame
                    bytes[index] = UInt8(value)
                    _ = checkArbitraryInput(bytes)
                    count += 1
                }
            }
        }
        #expect(count == frames.reduce(0) { $0 + $1.count } * 255)
    }

    @Test(arguments: [UInt64(7), 8])
    func randomGarbageNeverCrashes(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var outcomes: [MutationOutcome: Int] = [:]
        for _ in 0..<2_000 {
            var bytes = random.bytes(Int.random(in: 0...64, using: &random))
            // Half start with a plausible first byte so the garbage reaches the body decoders.
            if !bytes.isEmpty && random.chance(1, in: 2) {
                let type = random.pick(PacketType.allCases)
                bytes[0] = type.rawValue << 4 | (type.requiredFlags ?? UInt8.random(in: 0...5, using: &random))
                if bytes.count > 1 { bytes[1] = UInt8(bytes.count - 2) }
            }
            outcomes[checkArbitraryInput(bytes), default: 0] += 1
        }
        #expect(outcomes[.rejected, default: 0] > 500, "\(outcomes)")
    }

    @Test func mutationsActuallyChangeFrames() {
        var random = SplitMix64(seed: 99)
        let frame = SpecVectors.connect[1].bytes
        for mutation in Mutation.allCases where mutation != .swapBytes && mutation != .duplicateRange {
            let changed = (0..<20).contains { _ in mutation.apply(to: frame, using: &random) != frame }
            #expect(changed, "\(mutation)")
        }
    }
}

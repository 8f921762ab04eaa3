import MQTTCodec

// A byte stream reaches the decoder in whatever pieces the socket hands over. This verifier feeds
// one stream to a `FrameDecoder` all at once, byte by byte, split at every offset and in seeded
// random chunks, and reports each delivery whose outcome differs from the expected one. Packets
// are compared only after the whole stream was fed, so a later feed that corrupts an earlier
// packet's payload (a copy-on-write slip) shows up too.
//
// Self-contained on purpose (MQTTCodec only, no test framework), so MQTTTestSupport can take it.

/// Checks that a decoder's output does not depend on how its input is split.
struct DecoderVerifier {
    /// What decoding a whole stream must produce: these packets, then either "need more bytes"
    /// with nothing left over, or this error.
    struct Expectation: Equatable {
        var packets: [Packet]
        var error: DecodeError?

        init(packets: [Packet], error: DecodeError? = nil) {
            self.packets = packets
            self.error = error
        }
    }

    /// One delivery of the stream that went wrong.
    struct Failure: CustomStringConvertible {
        let delivery: String
        let problem: String
        var description: String { "\(delivery): \(problem)" }
    }

    var maximumRemainingLength = ByteBuffer.maximumRemainingLength
    /// Seeds for the random-chunk deliveries.
    var randomSeeds: [UInt64] = [1, 2, 3]

    /// Every delivery of `input` whose outcome is not `expected`; empty when all agree.
    func verify(_ input: [UInt8], expecting expected: Expectation) -> [Failure] {
        var failures: [Failure] = []
        for (name, chunks) in deliveries(of: input.count) {
            let outcome = decode(input, in: chunks, viaByteBuffer: name.hasPrefix("random"))
            if outcome.packets != expected.packets {
                failures.append(Failure(delivery: name, problem: Self.difference(outcome.packets, expected.packets)))
            }
            if outcome.error != expected.error {
                failures.append(
                    Failure(
                        delivery: name,
                        problem: "ended with \(outcome.error.map(String.init(describing:)) ?? "no error"), "
                            + "expected \(expected.error.map(String.init(describing:)) ?? "no error")"))
            }
            if expected.error == nil && outcome.bufferedBytes != 0 {
                failures.append(Failure(delivery: name, problem: "\(outcome.bufferedBytes) bytes left buffered"))
            }
        }
        return failures
    }

    /// The first difference between two packet lists, short enough to read in a test log.
    static func difference(_ actual: [Packet], _ expected: [Packet]) -> String {
        for (index, (got, wanted)) in zip(actual, expected).enumerated() where got != wanted {
            return "packet \(index) is \(got), expected \(wanted)"
        }
        return "got \(actual.count) packets, expected \(expected.count)"
    }

    /// The deliveries of a stream of `count` bytes, as chunk boundaries.
    func deliveries(of count: Int) -> [(String, [Range<Int>])] {
        var result: [(String, [Range<Int>])] = [("all at once", [0..<count])]
        result.append(("byte by byte", (0..<count).map { $0..<($0 + 1) }))
        for split in stride(from: 1, to: count, by: 1) {
            result.append(("split at \(split)", [0..<split, split..<count]))
        }
        for seed in randomSeeds {
            var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
            var chunks: [Range<Int>] = []
            var start = 0
            while start < count {
                // xorshift64: chunk lengths from 1 to 16 bytes.
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                let end = Swift.min(count, start + 1 + Int(state % 16))
                chunks.append(start..<end)
                start = end
            }
            result.append(("random chunks, seed \(seed)", chunks))
        }
        return result
    }

    /// Feeds `input` chunk by chunk, taking out every packet after each feed, until the stream ends
    /// or the decoder throws.
    func decode(_ input: [UInt8], in chunks: [Range<Int>], viaByteBuffer: Bool = false)
        -> (packets: [Packet], error: DecodeError?, bufferedBytes: Int)
    {
        var decoder = FrameDecoder(maximumRemainingLength: maximumRemainingLength)
        var packets: [Packet] = []
        for chunk in chunks {
            if viaByteBuffer {
                decoder.feed(ByteBuffer(bytes: input[chunk]))
            } else {
                decoder.feed(input[chunk])
            }
            do {
                // Each packet takes at least two bytes, so this loop ends; the bound makes sure.
                var budget = input.count / 2 + 1
                while budget > 0, let packet = try decoder.next() {
                    packets.append(packet)
                    budget -= 1
                }
            } catch {
                return (packets, error, decoder.bufferedBytes)
            }
        }
        return (packets, nil, decoder.bufferedBytes)
    }
}

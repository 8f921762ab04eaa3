// libFuzzer entry point for the MQTT decoder. Not a package target: `scripts/fuzz-decoder` compiles
// this file together with Sources/MQTTCodec/*.swift into one module with
// `swiftc -sanitize=fuzzer,address -parse-as-library`.
//
// For every input the fuzzer invents, it checks:
//   1. decoding never crashes, and stops within a bound (a packet takes at least two bytes);
//   2. every decoded packet re-encodes to exactly `encodedSize` bytes, and those bytes decode to
//      the same packet, with nothing left over;
//   3. feeding the same bytes in two pieces, split where the first input byte says, yields the
//      same packets and ends the same way (the same error, or without one and with the same
//      number of bytes left over).
// Any violation traps, which libFuzzer records as a crash with the input that caused it.

/// The outcome of decoding one stream: its packets, then its error or its leftover byte count.
/// After an error the leftover count is not compared: it depends on how much had been fed.
private struct StreamOutcome: Equatable {
    var packets: [Packet] = []
    var error: DecodeError?
    var bufferedBytes: Int?
}

private func decodeStream(_ bytes: UnsafeBufferPointer<UInt8>, splitAt split: Int, limit: Int) -> StreamOutcome {
    var decoder = FrameDecoder(maximumRemainingLength: limit)
    var outcome = StreamOutcome()
    for piece in [bytes[..<split], bytes[split...]] {
        decoder.feed(piece)
        do {
            var budget = bytes.count / 2 + 1
            while let packet = try decoder.next() {
                budget -= 1
                guard budget >= 0 else { fatalError("decoder yields more packets than the input can hold") }
                outcome.packets.append(packet)
            }
        } catch {
            outcome.error = error
            break
        }
    }
    if outcome.error == nil { outcome.bufferedBytes = decoder.bufferedBytes }
    return outcome
}

private func checkRoundTrip(_ packet: Packet) {
    var encoded = packet.encoded()
    guard encoded.readableBytes == packet.encodedSize else {
        fatalError("encodedSize \(packet.encodedSize) but \(encoded.readableBytes) bytes written for \(packet)")
    }
    let again: Packet?
    do {
        again = try PacketDecoder().decode(from: &encoded)
    } catch {
        fatalError("re-encoded \(packet) does not decode: \(error)")
    }
    guard again == packet, encoded.readableBytes == 0 else {
        fatalError("re-encoded \(packet) decodes as \(String(describing: again))")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func decoderFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    // Mostly the protocol maximum; sometimes a small limit, to exercise the early refusal.
    let limit = size > 0 && bytes[size - 1] == 0xA5 ? 64 : ByteBuffer.maximumRemainingLength
    let whole = decodeStream(bytes, splitAt: size, limit: limit)
    for packet in whole.packets { checkRoundTrip(packet) }
    let split = size == 0 ? 0 : Int(bytes[0]) % (size + 1)
    let pieces = decodeStream(bytes, splitAt: split, limit: limit)
    guard pieces == whole else {
        fatalError("split at \(split) changes the outcome: \(pieces) versus \(whole)")
    }
    return 0
}

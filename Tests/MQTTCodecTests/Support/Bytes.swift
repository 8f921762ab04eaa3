import MQTTCodec

// Byte-building helpers for hand-written vectors. They deliberately do not call the codec's own
// encoder, so a vector built with them checks the codec instead of agreeing with it.

/// Bytes from hex digits, spaces ignored: `hex("30 0A 00")`. Traps on anything else, which in a
/// test means the vector itself is mistyped.
func hex(_ digits: String) -> [UInt8] {
    let nibbles = digits.unicodeScalars.filter { $0 != " " && $0 != "\n" }.map { scalar -> UInt8 in
        guard let value = UInt8(String(scalar), radix: 16) else { preconditionFailure("not hex: \(scalar)") }
        return value
    }
    precondition(nibbles.count % 2 == 0, "odd number of hex digits in \(digits)")
    return stride(from: 0, to: nibbles.count, by: 2).map { nibbles[$0] << 4 | nibbles[$0 + 1] }
}

/// The UTF-8 bytes of `string`.
func utf8(_ string: String) -> [UInt8] { Array(string.utf8) }

/// A two-byte big-endian length followed by `bytes` (section 1.5.3 string or binary field).
func field(_ bytes: [UInt8]) -> [UInt8] {
    precondition(bytes.count <= 0xFFFF)
    return [UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)] + bytes
}

/// A length-prefixed UTF-8 field holding `string`.
func field(_ string: String) -> [UInt8] { field(utf8(string)) }

/// A big-endian 16-bit value.
func u16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }

/// The variable-length remaining length of section 2.2.3, written independently of the codec.
func remainingLengthBytes(_ value: Int) -> [UInt8] {
    var value = value
    var bytes: [UInt8] = []
    repeat {
        let digit = UInt8(value % 128)
        value /= 128
        bytes.append(value > 0 ? digit | 0x80 : digit)
    } while value > 0
    return bytes
}

/// A whole packet: first byte, remaining length computed from `body`, then `body`.
func frame(_ firstByte: UInt8, _ body: [UInt8]) -> [UInt8] {
    [firstByte] + remainingLengthBytes(body.count) + body
}

/// The variable header of a CONNECT: protocol name, level, flags, keep alive.
func connectHeader(name: String = "MQTT", level: UInt8 = 4, flags: UInt8, keepAlive: UInt16 = 60) -> [UInt8] {
    field(name) + [level, flags] + u16(keepAlive)
}

/// Hex rendering for failure messages.
func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { byte in
        let digits = String(byte, radix: 16, uppercase: true)
        return byte < 16 ? "0" + digits : digits
    }.joined(separator: " ")
}

extension ByteBuffer {
    /// The readable bytes; shorter to read in expectations.
    var bytes: [UInt8] { readableBytesArray }
}

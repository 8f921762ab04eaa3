// The wire primitives of MQTT 3.1.1 section 1.5: big-endian 16-bit integers, length-prefixed UTF-8
// strings and binary data, and the variable-length "remaining length" of section 2.2.3.

extension ByteBuffer {
    /// The largest remaining length four bytes can encode (section 2.2.3).
    public static let maximumRemainingLength = 268_435_455

    /// Appends `value` as a variable byte integer of one to four bytes.
    public mutating func writeRemainingLength(_ value: Int) {
        _ = writeWithUnsafeMutableBytes(maximum: Self.remainingLengthSize(value)) { target in
            Self.encodeRemainingLength(value, into: target, at: 0)
        }
    }

    /// Stores `value` as a remaining length at `offset` of `target` (which must have room for
    /// `remainingLengthSize(value)` bytes there); returns the offset after it. For encoders that
    /// reserve a whole packet once and fill it in place.
    public static func encodeRemainingLength(_ value: Int, into target: UnsafeMutableRawBufferPointer, at offset: Int)
        -> Int
    {
        precondition(value >= 0 && value <= Self.maximumRemainingLength, "remaining length out of range")
        var value = value
        var offset = offset
        repeat {
            var byte = UInt8(value & 0x7F)
            value >>= 7
            if value > 0 { byte |= 0x80 }
            target[offset] = byte
            offset += 1
        } while value > 0
        return offset
    }

    /// Number of bytes `writeRemainingLength(value)` appends.
    public static func remainingLengthSize(_ value: Int) -> Int {
        switch value {
        case ..<128: 1
        case ..<16_384: 2
        case ..<2_097_152: 3
        default: 4
        }
    }

    /// Appends a two-byte length and the UTF-8 bytes of `string`.
    mutating func writeMQTTString(_ string: String) {
        precondition(string.utf8.count <= Int(UInt16.max), "MQTT strings hold at most 65535 bytes")
        writeInteger(UInt16(string.utf8.count))
        writeString(string)
    }

    /// Appends a two-byte length and the readable bytes of `bytes`.
    mutating func writeMQTTBinary(_ bytes: ByteBuffer) {
        precondition(bytes.readableBytes <= Int(UInt16.max), "MQTT binary fields hold at most 65535 bytes")
        writeInteger(UInt16(bytes.readableBytes))
        writeBuffer(bytes)
    }

    /// Reads a length-prefixed binary field as a slice; nil if the buffer ends first.
    mutating func readMQTTBinary() -> ByteBuffer? {
        guard let length: UInt16 = peekUInt16(), readableBytes >= 2 + Int(length) else { return nil }
        moveReaderIndex(forwardBy: 2)
        return readSlice(length: Int(length))
    }

    /// Reads a length-prefixed UTF-8 field as a slice, validated per section 1.5.3.
    mutating func readMQTTStringBytes(in type: PacketType) throws(DecodeError) -> ByteBuffer {
        guard let bytes = readMQTTBinary() else { throw .truncated(type) }
        switch bytes.withReadableBytes(validateMQTTUTF8) {
        case .valid: return bytes
        case .illFormed: throw .invalidUTF8(type)
        case .containsNull: throw .nullCharacter(type)
        }
    }

    /// Reads a length-prefixed UTF-8 field as a `String` (cold paths: CONNECT fields).
    mutating func readMQTTString(in type: PacketType) throws(DecodeError) -> String {
        try readMQTTStringBytes(in: type).readableString
    }

    /// Reads a packet identifier, rejecting zero [MQTT-2.3.1-1].
    mutating func readPacketID(in type: PacketType) throws(DecodeError) -> PacketID {
        guard let raw: UInt16 = readInteger() else { throw .truncated(type) }
        guard let id = PacketID(rawValue: raw) else { throw .zeroPacketID(type) }
        return id
    }

    func peekUInt16() -> UInt16? {
        guard let high = peekInteger(at: 0), let low = peekInteger(at: 1) else { return nil }
        return UInt16(high) << 8 | UInt16(low)
    }
}

extension String {
    /// Number of bytes this string takes as an MQTT UTF-8 field, length prefix included.
    var mqttEncodedSize: Int { 2 + utf8.count }
}

// The fixed header (section 2.2): byte 1 is type (high nibble) and flags (low nibble), then the
// remaining length as 1-4 bytes of 7 bits each, least significant first, bit 7 meaning "more".

/// A parsed fixed header.
public struct FixedHeader: Sendable, Hashable {
    public var type: PacketType
    public var flags: UInt8
    /// Bytes in the variable header and payload.
    public var remainingLength: Int
    /// Bytes taken by the fixed header itself (2 to 5).
    public var headerLength: Int

    /// Bytes the whole packet takes.
    public var packetLength: Int { headerLength + remainingLength }

    /// Parses the fixed header at the reader index of `buffer` without consuming it. Returns nil
    /// when more bytes are needed; throws as soon as the bytes seen so far cannot start a valid
    /// packet, so a hostile length is refused before its body is buffered.
    public static func peek(in buffer: ByteBuffer, maximumRemainingLength: Int) throws(DecodeError) -> FixedHeader? {
        guard let first = buffer.peekInteger() else { return nil }
        guard let type = PacketType(rawValue: first >> 4) else { throw .reservedPacketType(first >> 4) }
        let flags = first & 0x0F
        if let required = type.requiredFlags, flags != required {
            throw .invalidFlags(type, flags: flags)  // [MQTT-2.2.2-2]
        }
        // PUBLISH flags are only invalid with both QoS bits set; like the other flags, that is
        // known from the first byte, so the body is never buffered [MQTT-3.3.1-4].
        if type == .publish && flags & 0x06 == 0x06 { throw .invalidQoS }
        var remainingLength = 0
        var multiplier = 1
        var offset = 1
        while true {
            guard offset <= 4 else { throw .malformedRemainingLength }
            guard let byte = buffer.peekInteger(at: offset) else { return nil }
            remainingLength += Int(byte & 0x7F) * multiplier
            offset += 1
            if byte & 0x80 == 0 { break }
            multiplier *= 128
        }
        guard remainingLength <= maximumRemainingLength else {
            throw .packetTooLarge(remainingLength: remainingLength, limit: maximumRemainingLength)
        }
        return FixedHeader(type: type, flags: flags, remainingLength: remainingLength, headerLength: offset)
    }
}

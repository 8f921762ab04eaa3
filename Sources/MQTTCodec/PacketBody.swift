/// What every control packet struct provides to the frame encoder and decoder.
protocol PacketBody: Sendable, Hashable {
    static var packetType: PacketType { get }
    /// The low nibble of the first byte.
    var fixedHeaderFlags: UInt8 { get }
    /// The exact number of bytes `writeBody` appends.
    var remainingLength: Int { get }
    func writeBody(into buffer: inout ByteBuffer)
}

extension PacketBody {
    var fixedHeaderFlags: UInt8 { Self.packetType.requiredFlags ?? 0 }

    /// Size of the whole packet on the wire.
    var encodedSize: Int {
        let remaining = remainingLength
        return 1 + ByteBuffer.remainingLengthSize(remaining) + remaining
    }

    /// Appends the whole packet, growing `buffer` at most once.
    func encodePacket(into buffer: inout ByteBuffer) {
        let remaining = remainingLength
        buffer.reserveWritableCapacity(1 + ByteBuffer.remainingLengthSize(remaining) + remaining)
        buffer.writeInteger(Self.packetType.rawValue << 4 | fixedHeaderFlags)
        buffer.writeRemainingLength(remaining)
        writeBody(into: &buffer)
    }
}

extension Packet {
    /// The exact number of bytes `encode(into:)` appends.
    public var encodedSize: Int {
        switch self {
        case .connect(let body): body.encodedSize
        case .connAck(let body): body.encodedSize
        case .publish(let body): body.encodedSize
        case .pubAck(let body): body.encodedSize
        case .pubRec(let body): body.encodedSize
        case .pubRel(let body): body.encodedSize
        case .pubComp(let body): body.encodedSize
        case .subscribe(let body): body.encodedSize
        case .subAck(let body): body.encodedSize
        case .unsubscribe(let body): body.encodedSize
        case .unsubAck(let body): body.encodedSize
        case .pingReq, .pingResp, .disconnect: 2
        }
    }

    /// Appends the packet's wire form to `buffer`, reserving its exact size first.
    public func encode(into buffer: inout ByteBuffer) {
        switch self {
        case .connect(let body): body.encodePacket(into: &buffer)
        case .connAck(let body): body.encodePacket(into: &buffer)
        case .publish(let body): body.encodePacket(into: &buffer)
        case .pubAck(let body): body.encodePacket(into: &buffer)
        case .pubRec(let body): body.encodePacket(into: &buffer)
        case .pubRel(let body): body.encodePacket(into: &buffer)
        case .pubComp(let body): body.encodePacket(into: &buffer)
        case .subscribe(let body): body.encodePacket(into: &buffer)
        case .subAck(let body): body.encodePacket(into: &buffer)
        case .unsubscribe(let body): body.encodePacket(into: &buffer)
        case .unsubAck(let body): body.encodePacket(into: &buffer)
        case .pingReq, .pingResp, .disconnect:
            buffer.reserveWritableCapacity(2)
            buffer.writeInteger(type.rawValue << 4)
            buffer.writeInteger(UInt8(0))
        }
    }

    /// The packet's wire form in a buffer of its own.
    public func encoded() -> ByteBuffer {
        var buffer = ByteBuffer(capacity: encodedSize)
        encode(into: &buffer)
        return buffer
    }
}

extension Publish {
    /// The exact wire size of this PUBLISH.
    public var encodedSize: Int { 1 + ByteBuffer.remainingLengthSize(remainingLength) + remainingLength }

    /// Appends this PUBLISH without wrapping it in a `Packet`.
    public func encode(into buffer: inout ByteBuffer) {
        encodePacket(into: &buffer)
    }
}

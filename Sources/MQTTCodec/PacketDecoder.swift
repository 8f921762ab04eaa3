/// Decodes whole packets from the front of a buffer: a packet, `nil` for "need more bytes", or a
/// `DecodeError` for bytes that are not MQTT 3.1.1. Stateless apart from its size limit.
public struct PacketDecoder: Sendable {
    /// The largest remaining length accepted; larger packets are refused from their fixed header.
    public var maximumRemainingLength: Int

    public init(maximumRemainingLength: Int = ByteBuffer.maximumRemainingLength) {
        precondition(maximumRemainingLength >= 0, "the limit cannot be negative")
        self.maximumRemainingLength = Swift.min(maximumRemainingLength, ByteBuffer.maximumRemainingLength)
    }

    /// Consumes one whole packet from `buffer`, or leaves it untouched and returns nil if the
    /// packet has not fully arrived. Payloads are slices of `buffer`'s storage, not copies.
    public func decode(from buffer: inout ByteBuffer) throws(DecodeError) -> Packet? {
        guard let header = try FixedHeader.peek(in: buffer, maximumRemainingLength: maximumRemainingLength),
            buffer.readableBytes >= header.packetLength
        else { return nil }
        buffer.moveReaderIndex(forwardBy: header.headerLength)
        var body = buffer.readSlice(length: header.remainingLength)!
        return try Self.decodeBody(of: header, body: &body)
    }

    /// Decodes the variable header and payload of a packet whose fixed header is `header`.
    public static func decodeBody(of header: FixedHeader, body: inout ByteBuffer) throws(DecodeError) -> Packet {
        switch header.type {
        case .connect: return .connect(try Connect.decode(body: &body))
        case .connAck: return .connAck(try ConnAck.decode(body: &body))
        case .publish: return .publish(try Publish.decode(flags: header.flags, body: &body))
        case .pubAck: return .pubAck(try PubAck.decode(body: &body))
        case .pubRec: return .pubRec(try PubRec.decode(body: &body))
        case .pubRel: return .pubRel(try PubRel.decode(body: &body))
        case .pubComp: return .pubComp(try PubComp.decode(body: &body))
        case .subscribe: return .subscribe(try Subscribe.decode(body: &body))
        case .subAck: return .subAck(try SubAck.decode(body: &body))
        case .unsubscribe: return .unsubscribe(try Unsubscribe.decode(body: &body))
        case .unsubAck: return .unsubAck(try UnsubAck.decode(body: &body))
        case .pingReq, .pingResp, .disconnect:
            guard body.readableBytes == 0 else { throw .unexpectedTrailingBytes(header.type) }
            return header.type == .pingReq ? .pingReq : header.type == .pingResp ? .pingResp : .disconnect
        }
    }
}

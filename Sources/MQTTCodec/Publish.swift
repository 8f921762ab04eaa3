// PUBLISH (section 3.3): flags DUP (bit 3), QoS (bits 2-1), RETAIN (bit 0); variable header: topic
// name, then a packet identifier only when QoS > 0 [MQTT-2.3.1-5]; the payload is the rest.

/// PUBLISH: an application message, in either direction.
public struct Publish: PacketBody {
    static let packetType = PacketType.publish

    public var topic: TopicName
    public var payload: ByteBuffer
    public var qos: QoS
    /// Present exactly when `qos` is above `atMostOnce` [MQTT-2.3.1-1], [MQTT-2.3.1-5].
    public var packetID: PacketID?
    public var retain: Bool
    /// Set on a re-delivery of a QoS 1/2 message [MQTT-3.3.1-1].
    public var dup: Bool

    public init(
        topic: TopicName, payload: ByteBuffer, qos: QoS = .atMostOnce, packetID: PacketID? = nil,
        retain: Bool = false, dup: Bool = false
    ) {
        precondition((qos == .atMostOnce) == (packetID == nil), "QoS 1/2 needs a packet identifier, QoS 0 none")
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.packetID = packetID
        self.retain = retain
        self.dup = dup
    }

    var fixedHeaderFlags: UInt8 {
        (dup ? 0x08 : 0) | qos.rawValue << 1 | (retain ? 0x01 : 0)
    }

    var remainingLength: Int {
        2 + topic.bytes.readableBytes + (packetID == nil ? 0 : 2) + payload.readableBytes
    }

    func writeBody(into buffer: inout ByteBuffer) {
        buffer.writeMQTTBinary(topic.bytes)
        if let packetID { buffer.writeInteger(packetID.rawValue) }
        buffer.writeBuffer(payload)
    }

    static func decode(flags: UInt8, body: inout ByteBuffer) throws(DecodeError) -> Publish {
        let layout = try body.withReadableBytes { (bytes) throws(DecodeError) in
            try PublishLayout.parse(flags: flags, packet: bytes, bodyStart: 0)
        }
        return Publish(layout, in: body)
    }

    /// The PUBLISH `layout` describes, its topic and payload slices of `packet` (not copies).
    init(_ layout: PublishLayout, in packet: ByteBuffer) {
        var topic = packet
        topic.moveReaderIndex(forwardBy: layout.topic.lowerBound)
        var payload = topic
        payload.moveReaderIndex(forwardBy: layout.payload.lowerBound - layout.topic.lowerBound)
        self.init(
            topic: TopicName(uncheckedBytes: topic.readSlice(length: layout.topic.count)!), payload: payload,
            qos: layout.qos, packetID: layout.packetID, retain: layout.retain, dup: layout.dup)
    }
}

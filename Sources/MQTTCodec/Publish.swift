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
        guard let qos = QoS(rawValue: (flags >> 1) & 0x03) else { throw .invalidQoS }  // [MQTT-3.3.1-4]
        guard let topicBytes = body.readMQTTBinary() else { throw .truncated(.publish) }
        let topic: TopicName
        do {
            topic = try TopicName(validating: topicBytes)  // UTF-8 checked here, in the same pass
        } catch {
            switch error {
            case .invalidUTF8: throw .invalidUTF8(.publish)  // [MQTT-3.3.2-1]
            case .nullCharacter: throw .nullCharacter(.publish)
            default: throw .invalidTopicName(error)
            }
        }
        let packetID = qos == .atMostOnce ? nil : try body.readPacketID(in: .publish)
        return Publish(
            topic: topic, payload: body, qos: qos, packetID: packetID,
            retain: flags & 0x01 != 0, dup: flags & 0x08 != 0)
    }
}

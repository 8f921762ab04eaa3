import MQTTCodec

/// An application message the broker delivered to this client.
public struct ReceivedMessage: Sendable, Hashable {
    public var topic: TopicName
    /// The payload bytes; a slice of the buffer it was read into, not a copy.
    public var payload: ByteBuffer
    public var qos: QoS
    /// Set when the broker sends a retained message because of a new subscription [MQTT-3.3.1-8].
    public var retain: Bool
    /// Set on a redelivery [MQTT-3.3.1-1].
    public var dup: Bool
    /// The identifier the broker used, for QoS 1/2.
    public var packetID: PacketID?
    /// With `InboundAcknowledgement.afterHandling`: what the stream reports once the consumer moves on.
    var handlingTicket: HandlingTicket?

    public init(_ publish: Publish) {
        topic = publish.topic
        payload = publish.payload
        qos = publish.qos
        retain = publish.retain
        dup = publish.dup
        packetID = publish.packetID
    }

    /// The payload as UTF-8 text, ill-formed sequences repaired.
    public var payloadString: String { payload.readableString }
}

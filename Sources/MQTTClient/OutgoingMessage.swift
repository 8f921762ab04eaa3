import MQTTCodec

/// An application message to publish.
public struct OutgoingMessage: Sendable, Hashable {
    public var topic: TopicName
    public var payload: ByteBuffer
    public var qos: QoS
    public var retain: Bool

    public init(topic: TopicName, payload: ByteBuffer, qos: QoS = .atMostOnce, retain: Bool = false) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
    }
}

/// The caller of a multi-message `publish`, answered when every message is done.
struct PublishBatch {
    var remaining: Int
    /// The first failure, reported once every message is done.
    var failure: ClientError?
}

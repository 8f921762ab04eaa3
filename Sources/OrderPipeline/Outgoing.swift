/// A message for the runner to publish.
public struct OutgoingMessage: Sendable, Hashable {
    public var topic: String
    public var payload: [UInt8]
    public var retain: Bool

    public init(topic: String, payload: [UInt8], retain: Bool = false) {
        self.topic = topic
        self.payload = payload
        self.retain = retain
    }
}

/// What a rule asks its runner to do, in order.
public enum Outgoing: Sendable, Hashable {
    /// Publish a downstream event or a notification.
    case publish(OutgoingMessage)
    /// Log the reason and publish `deadLetter.outgoing` on `shop/dead-letter/<role>`.
    case deadLetter(DeadLetter)
    /// Print this line on standard output (what the agent did, for people watching its log).
    case report(String)
}

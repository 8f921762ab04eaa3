import Foundation

/// A message an agent could not handle, published on `shop/dead-letter/<role>` so that nothing
/// is dropped silently. The original payload is kept as text (invalid UTF-8 replaced by U+FFFD),
/// cut to `DeadLetter.payloadLimit` bytes; `payloadSize` is the size received.
public struct DeadLetter: Sendable, Hashable, Codable {
    /// Largest piece of the original payload a dead letter repeats, in bytes.
    public static let payloadLimit = 16 * 1024

    /// The agent that refused the message.
    public var role: ShopRole
    /// Where the message arrived.
    public var topic: String
    /// Why it was refused, in one line.
    public var reason: String
    public var payload: String
    public var payloadSize: Int
    public var receivedAt: Date

    public init(role: ShopRole, topic: String, payload: [UInt8], reason: String, receivedAt: Date) {
        self.role = role
        self.topic = topic
        self.reason = reason
        self.payload = String(decoding: payload.prefix(Self.payloadLimit), as: UTF8.self)
        self.payloadSize = payload.count
        self.receivedAt = receivedAt
    }

    /// This dead letter, ready to publish on the role's dead-letter topic.
    public var outgoing: OutgoingMessage {
        OutgoingMessage(topic: Topics.deadLetter(for: role), payload: ShopJSON.encode(self))
    }

    /// The line to log, for example `[ORDER] dead letter from shop/orders/1/placed: not valid JSON`.
    public var logLine: String { "\(role.logTag) dead letter from \(topic): \(reason)" }
}

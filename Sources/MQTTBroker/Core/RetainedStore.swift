// The retained messages, one per topic name, shared by every loop. Written on a retained PUBLISH,
// read when a subscription is made: both cold next to ordinary forwarding, so a mutex suffices.

import MQTTCodec
import Synchronization

/// The last retained message of each topic.
public final class RetainedStore: Sendable {
    private let messages = Mutex<[TopicName: Message]>([:])

    public init() {}

    /// Stores `message` for its topic, or clears the topic when the payload is empty [MQTT-3.3.1-10],
    /// [MQTT-3.3.1-11]. Returns the number of retained messages afterwards.
    @discardableResult
    public func update(with message: Message) -> Int {
        let topic = message.topic
        return messages.withLock { messages in
            if message.payloadLength == 0 {
                messages[topic] = nil
            } else {
                messages[topic] = message
            }
            return messages.count
        }
    }

    /// The retained messages whose topic matches `filter`, ordered by topic for a stable replay.
    public func matching(_ filter: TopicFilter) -> [Message] {
        if !filter.hasWildcards {
            // A filter without wildcards names one topic: look it up instead of scanning them all.
            guard let topic = try? TopicName(filter.string) else { return [] }
            return messages.withLock { messages in messages[topic].map { [$0] } ?? [] }
        }
        let found = messages.withLock { messages in
            messages.values.filter { message in message.withTopicBytes { filter.matches(topicBytes: $0) } }
        }
        guard found.count > 1 else { return found }
        return found.map { ($0.topic.bytes.readableBytesArray, $0) }
            .sorted { $0.0.lexicographicallyPrecedes($1.0) }
            .map(\.1)
    }

    public var count: Int { messages.withLock { $0.count } }
}

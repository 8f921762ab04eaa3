// `$SYS/broker/...`: the statistics Mosquitto publishes, retained, every `sys_interval` seconds.
// Like Mosquitto, a value is republished only when it changed; the version is published once.
// Load figures are exponentially weighted averages per minute over 1, 5 and 15 minutes.

import Foundation
import MQTTCodec
import Reactor

/// Produces the `$SYS` messages from the broker's statistics.
public struct SystemTopicPublisher {
    public static let version = "starling version 0.1.0"

    let context: BrokerContext
    let interval: Duration
    let startedAt: Instant
    public private(set) var nextPublication: Instant
    private var lastPublished: [String: String] = [:]
    private var lastSample: (at: Instant, counters: [String: Int])?
    private var averages: [String: Double] = [:]

    public init(context: BrokerContext, intervalSeconds: Int, now: Instant) {
        self.context = context
        self.interval = .seconds(max(1, intervalSeconds))
        self.startedAt = now
        self.nextPublication = now
    }

    /// The messages to route now; advances the next publication time.
    public mutating func publish(now: Instant) -> [Message] {
        nextPublication = now + interval
        var values: [(String, String)] = [("$SYS/broker/version", Self.version)]
        let uptime = now.since(startedAt).components.seconds
        values.append(("$SYS/broker/uptime", "\(uptime) seconds"))
        let stats = context.statistics
        let connected = stats.clientsConnected.value
        let disconnected = stats.clientsDisconnected.value
        values += [
            ("$SYS/broker/clients/connected", "\(connected)"),
            ("$SYS/broker/clients/active", "\(connected)"),
            ("$SYS/broker/clients/disconnected", "\(disconnected)"),
            ("$SYS/broker/clients/inactive", "\(disconnected)"),
            ("$SYS/broker/clients/total", "\(connected + disconnected)"),
            ("$SYS/broker/clients/maximum", "\(stats.clientsMaximum.value)"),
            ("$SYS/broker/messages/received", "\(stats.messagesReceived.value)"),
            ("$SYS/broker/messages/sent", "\(stats.messagesSent.value)"),
            ("$SYS/broker/publish/messages/received", "\(stats.publishReceived.value)"),
            ("$SYS/broker/publish/messages/sent", "\(stats.publishSent.value)"),
            ("$SYS/broker/publish/messages/dropped", "\(stats.publishDropped.value)"),
            ("$SYS/broker/bytes/received", "\(stats.bytesReceived.value)"),
            ("$SYS/broker/bytes/sent", "\(stats.bytesSent.value)"),
            ("$SYS/broker/retained messages/count", "\(context.retained.count)"),
            ("$SYS/broker/subscriptions/count", "\(stats.subscriptions.value + context.sharedSubscriptions.count)"),
        ]
        values += loadAverages(now: now)
        var messages: [Message] = []
        for (topic, value) in values where lastPublished[topic] != value {
            lastPublished[topic] = value
            guard let name = try? TopicName(topic) else { continue }
            messages.append(Message.make(topic: name, payload: ByteBuffer(string: value), qos: .atMostOnce, retain: true))
        }
        return messages
    }

    private mutating func loadAverages(now: Instant) -> [(String, String)] {
        let stats = context.statistics
        let counters = [
            "messages/received": stats.messagesReceived.value,
            "messages/sent": stats.messagesSent.value,
            "publish/received": stats.publishReceived.value,
            "publish/sent": stats.publishSent.value,
            "publish/dropped": stats.publishDropped.value,
            "bytes/received": stats.bytesReceived.value,
            "bytes/sent": stats.bytesSent.value,
        ]
        defer { lastSample = (now, counters) }
        guard let last = lastSample else { return [] }
        let elapsed = Double(now.since(last.at).components.seconds) + Double(now.since(last.at).components.attoseconds) / 1e18
        guard elapsed > 0 else { return [] }
        var values: [(String, String)] = []
        for (name, value) in counters.sorted(by: { $0.key < $1.key }) {
            let perMinute = Double(value - (last.counters[name] ?? 0)) * 60 / elapsed
            for minutes in [1, 5, 15] {
                let key = "$SYS/broker/load/\(name)/\(minutes)min"
                let weight = exp(-elapsed / (Double(minutes) * 60))
                let average = (averages[key] ?? perMinute) * weight + perMinute * (1 - weight)
                averages[key] = average
                values.append((key, String(format: "%.2f", average)))
            }
        }
        return values
    }
}

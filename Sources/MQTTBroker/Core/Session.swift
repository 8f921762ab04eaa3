// A session is what the server keeps for a client id (section 3.1.2.4): its subscriptions, the QoS
// 1/2 messages in flight in both directions, and messages queued while it is offline. With clean
// session 1 it lives as long as the network connection [MQTT-3.1.2-6]; with 0 it outlives it
// [MQTT-3.1.2-4].

import MQTTCodec
import Reactor

/// One subscription of a session, kept under its filter string. The parsed filter lives in the
/// trie; keeping only the string here saves its level arrays for every subscription.
struct SessionSubscription {
    var qos: QoS
    /// Out of line: most subscriptions are not shared, and a dictionary value is as wide as its
    /// widest case in every bucket (memory per connection, docs/benchmarks.md).
    private let sharedStorage: OutOfLine<SharedFilter>?

    init(qos: QoS, shared: SharedFilter?) {
        self.qos = qos
        self.sharedStorage = shared.map(OutOfLine.init)
    }

    /// Set for `$share/<group>/<filter>` subscriptions.
    var shared: SharedFilter? { sharedStorage?.value }
}

/// A rarely present value kept behind one pointer, so the struct holding it stays small.
final class OutOfLine<Value> {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// The server-side state of one client id.
struct Session {
    let clientID: String
    var cleanSession: Bool
    /// Keyed by the filter string as the client sent it.
    var subscriptions: [String: SessionSubscription] = [:]
    var outbound: OutboundFlow
    /// QoS 2 messages received but not yet released by PUBREL: delivered onwards on PUBREL, so a
    /// resent PUBLISH is never delivered twice [MQTT-4.3.3-2].
    var inboundAwaitingRelease = AwaitingRelease()
    /// Out of line: most connections have no will (memory per connection).
    private var willStorage: OutOfLine<Will>?
    /// The will of the attached connection [MQTT-3.1.2-8].
    var will: Will? {
        get { willStorage?.value }
        set { willStorage = newValue.map(OutOfLine.init) }
    }
    /// When the last connection of a persistent session ended (persistent_client_expiration).
    var disconnectedAt: Instant?

    init(clientID: String, cleanSession: Bool, limits: BrokerLimits) {
        self.clientID = clientID
        self.cleanSession = cleanSession
        self.outbound = OutboundFlow(
            maximumInFlight: limits.maximumInFlightMessages, maximumQueued: limits.maximumQueuedMessages,
            maximumQueuedBytes: limits.maximumQueuedBytes)
    }
}

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
    /// Set for `$share/<group>/<filter>` subscriptions.
    let shared: SharedFilter?
}

/// The server-side state of one client id.
struct Session {
    let clientID: String
    var cleanSession: Bool
    /// Keyed by the filter string as the client sent it.
    var subscriptions: [String: SessionSubscription] = [:]
    var outbound: OutboundFlow
    /// QoS 2 messages received but not yet released by PUBREL [MQTT-4.3.3-2].
    var inboundAwaitingRelease = AwaitingRelease()
    /// The will of the attached connection [MQTT-3.1.2-8].
    var will: Will?
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

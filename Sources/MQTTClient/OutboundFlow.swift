// One outbound QoS 1/2 message from PUBLISH to its last acknowledgement (section 4.3):
//   QoS 1: queued → awaitingPubAck ──PUBACK──▶ done
//   QoS 2: queued → awaitingPubRec ──PUBREC / send PUBREL──▶ awaitingPubComp ──PUBCOMP──▶ done

import MQTTCodec

/// An outbound message that holds a packet identifier until it is acknowledged.
struct OutboundFlow: Sendable {
    enum Stage: Sendable, Equatable {
        /// Waiting for room in the in-flight window; never sent on this connection.
        case queued
        case awaitingPubAck
        case awaitingPubRec
        /// PUBREC arrived and PUBREL went out; the message must not be sent again [MQTT-4.3.3-1].
        case awaitingPubComp
    }

    /// The message, with its packet identifier.
    var publish: Publish
    var stage: Stage
    /// The caller waiting for the handshake to complete, if any (none for restored messages).
    var request: RequestID?
    var sequence: UInt64

    var packetID: PacketID { publish.packetID! }

    /// The stage after sending the PUBLISH.
    var sentStage: Stage { publish.qos == .atLeastOnce ? .awaitingPubAck : .awaitingPubRec }

    var stored: StoredPublish {
        StoredPublish(publish: publish, released: stage == .awaitingPubComp, sequence: sequence)
    }
}

/// A SUBSCRIBE waiting for its SUBACK; sent again after a reconnect.
struct PendingSubscribe: Sendable {
    var requests: [Subscribe.Request]
    /// The caller, or nil for subscriptions restored after the broker lost the session.
    var request: RequestID?
    var order: UInt64
}

/// An UNSUBSCRIBE waiting for its UNSUBACK; sent again after a reconnect.
struct PendingUnsubscribe: Sendable {
    var filters: [TopicFilter]
    var request: RequestID?
    var order: UInt64
}

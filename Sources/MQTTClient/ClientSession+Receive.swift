// Packets from the broker, one function per packet family. A server sends CONNACK, PUBLISH, the
// four acknowledgements, SUBACK, UNSUBACK and PINGRESP; anything else is a protocol violation.

import MQTTCodec
import Reactor

extension ClientSession {
    /// A decoded packet arrived.
    public mutating func received(_ packet: Packet, now: Instant, actions: inout [ClientAction]) {
        guard case .connecting(_, true) = phase, case .connAck(let connAck) = packet else {
            receivedWhileConnected(packet, now: now, actions: &actions)
            return
        }
        lastReceived = now
        connAckReceived(connAck, now: now, actions: &actions)
    }

    /// The broker's bytes are not MQTT: close [MQTT-4.8.0-1].
    public mutating func decodeFailed(_ error: DecodeError, now: Instant, actions: inout [ClientAction]) {
        guard phase != .idle else { return }
        violation(.malformedPacket(error), now: now, actions: &actions)
    }

    private mutating func receivedWhileConnected(_ packet: Packet, now: Instant, actions: inout [ClientAction]) {
        guard phase == .connected else {
            // Before CONNACK the server sends nothing else [MQTT-3.2.0-1].
            if case .connecting(_, true) = phase {
                violation(.unexpectedPacket(packet.type), now: now, actions: &actions)
            }
            return
        }
        lastReceived = now
        switch packet {
        case .publish(let publish): publishReceived(publish, now: now, actions: &actions)
        case .pubAck(let ack): pubAckReceived(ack.packetID, now: now, actions: &actions)
        case .pubRec(let rec): pubRecReceived(rec.packetID, now: now, actions: &actions)
        case .pubRel(let rel): pubRelReceived(rel.packetID, now: now, actions: &actions)
        case .pubComp(let comp): pubCompReceived(comp.packetID, now: now, actions: &actions)
        case .subAck(let subAck): subAckReceived(subAck, now: now, actions: &actions)
        case .unsubAck(let unsubAck): unsubAckReceived(unsubAck.packetID, actions: &actions)
        case .pingResp: pingOutstanding = false
        case .connAck, .connect, .subscribe, .unsubscribe, .pingReq, .disconnect:
            violation(.unexpectedPacket(packet.type), now: now, actions: &actions)
        }
    }

    // MARK: CONNACK

    private mutating func connAckReceived(_ connAck: ConnAck, now: Instant, actions: inout [ClientAction]) {
        guard connAck.returnCode == .accepted else {
            actions.append(.closeConnection)  // [MQTT-3.2.2-5]
            connectionLost(.connectionRefused(connAck.returnCode), now: now, actions: &actions)
            return
        }
        phase = .connected
        hasConnected = true
        reconnectAttempt = 0
        if let request = connectRequest {
            connectRequest = nil
            actions.append(.complete(request, .connected(sessionPresent: connAck.sessionPresent)))
        }
        if !connAck.sessionPresent {
            // The broker starts afresh: its QoS 2 identifiers are free again, it holds none of the
            // messages we still handle, and it knows none of our subscriptions.
            awaitingRelease = []
            heldAcknowledgements?.removeAll()
            resubscribe(now: now, actions: &actions)
        }
        resendPendingSubscriptions(now: now, actions: &actions)
        resendUnacknowledged(now: now, actions: &actions)
        // Messages handled while the connection was down: the resumed session still holds them.
        sendSettledAcknowledgements(now: now, actions: &actions)
    }

    // MARK: Inbound PUBLISH

    /// QoS 0: deliver. QoS 1: deliver, PUBACK [MQTT-4.3.2-2]. QoS 2: deliver once, PUBREC, and keep
    /// the identifier until PUBREL so a resent PUBLISH is not delivered twice [MQTT-4.3.3-2].
    private mutating func publishReceived(_ publish: Publish, now: Instant, actions: inout [ClientAction]) {
        if heldAcknowledgements != nil, publish.qos != .atMostOnce {
            heldPublishReceived(publish, now: now, actions: &actions)
            return
        }
        switch publish.qos {
        case .atMostOnce:
            actions.append(.deliver(publish))
        case .atLeastOnce:
            actions.append(.deliver(publish))
            send(.pubAck(PubAck(packetID: publish.packetID!)), now: now, actions: &actions)
        case .exactlyOnce:
            let id = publish.packetID!
            if awaitingRelease.insert(id).inserted { actions.append(.deliver(publish)) }
            send(.pubRec(PubRec(packetID: id)), now: now, actions: &actions)
        }
    }

    /// PUBREL: the identifier may be reused; answer PUBCOMP, known or not [MQTT-4.3.3-2].
    private mutating func pubRelReceived(_ id: PacketID, now: Instant, actions: inout [ClientAction]) {
        awaitingRelease.remove(id)
        send(.pubComp(PubComp(packetID: id)), now: now, actions: &actions)
    }
}

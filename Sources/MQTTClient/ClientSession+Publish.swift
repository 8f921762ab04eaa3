// Outbound PUBLISH and its acknowledgements (sections 4.3.1-4.3.3), the in-flight window, and the
// resend rule for a new connection [MQTT-4.4.0-1].

import MQTTCodec
import Reactor

extension ClientSession {
    /// The application publishes a message. QoS 0 needs a connection; QoS 1/2 messages are stored and
    /// wait for one (sent after CONNACK) if there is none yet.
    public mutating func publish(
        topic: TopicName, payload: ByteBuffer, qos: QoS, retain: Bool, request: RequestID?, now: Instant,
        actions: inout [ClientAction]
    ) {
        guard qos != .atMostOnce else {
            guard phase == .connected else {
                if let request { actions.append(.fail(request, .notConnected)) }
                return
            }
            send(.publish(Publish(topic: topic, payload: payload, retain: retain)), now: now, actions: &actions)
            if let request { actions.append(.complete(request, .published)) }
            return
        }
        guard let packetID = allocatePacketID() else {
            if let request { actions.append(.fail(request, .packetIdentifiersExhausted)) }
            return
        }
        let publish = Publish(topic: topic, payload: payload, qos: qos, packetID: packetID, retain: retain)
        let flow = OutboundFlow(publish: publish, stage: .queued, request: request, sequence: nextSequence)
        nextSequence += 1
        flows[packetID] = flow
        actions.append(.store(flow.stored))
        waiting.append(packetID)
        if phase == .connected { fillWindow(now: now, actions: &actions) }
    }

    /// Sends queued messages while the in-flight window has room, oldest first.
    mutating func fillWindow(now: Instant, actions: inout [ClientAction]) {
        while inFlightCount < maximumInFlight, let id = waiting.popFirst() {
            guard var flow = flows[id], flow.stage == .queued else { continue }
            flow.stage = flow.sentStage
            flows[id] = flow
            inFlightCount += 1
            send(.publish(flow.publish), now: now, actions: &actions)
        }
    }

    /// After CONNACK: every unacknowledged PUBLISH again with DUP set and every PUBREL again, in their
    /// original order and with their original identifiers [MQTT-4.4.0-1], [MQTT-3.3.1-1]; then the
    /// queue. Done whether or not the broker kept the session: a message it lost is published anew,
    /// and a PUBREL for an identifier it does not know is answered with PUBCOMP.
    mutating func resendUnacknowledged(now: Instant, actions: inout [ClientAction]) {
        for flow in flows.values.sorted(by: { $0.sequence < $1.sequence }) {
            switch flow.stage {
            case .queued:
                continue
            case .awaitingPubAck, .awaitingPubRec:
                var again = flow.publish
                again.dup = true
                send(.publish(again), now: now, actions: &actions)
            case .awaitingPubComp:
                send(.pubRel(PubRel(packetID: flow.packetID)), now: now, actions: &actions)
            }
        }
        fillWindow(now: now, actions: &actions)
    }

    /// PUBACK completes a QoS 1 flow [MQTT-4.3.2-1].
    mutating func pubAckReceived(_ id: PacketID, now: Instant, actions: inout [ClientAction]) {
        guard let flow = flows[id], flow.stage == .awaitingPubAck else { return }
        finish(flow, now: now, actions: &actions)
    }

    /// PUBREC: the broker owns the message; answer PUBREL and never send the PUBLISH again
    /// [MQTT-4.3.3-1]. A PUBREC for an unknown identifier is answered too, so the broker's state
    /// is released.
    mutating func pubRecReceived(_ id: PacketID, now: Instant, actions: inout [ClientAction]) {
        if var flow = flows[id], flow.stage == .awaitingPubRec {
            flow.stage = .awaitingPubComp
            flows[id] = flow
            actions.append(.store(flow.stored))
        }
        send(.pubRel(PubRel(packetID: id)), now: now, actions: &actions)
    }

    /// PUBCOMP completes a QoS 2 flow and frees its identifier [MQTT-4.3.3-1].
    mutating func pubCompReceived(_ id: PacketID, now: Instant, actions: inout [ClientAction]) {
        guard let flow = flows[id], flow.stage == .awaitingPubComp else { return }
        finish(flow, now: now, actions: &actions)
    }

    private mutating func finish(_ flow: OutboundFlow, now: Instant, actions: inout [ClientAction]) {
        flows[flow.packetID] = nil
        inFlightCount -= 1
        actions.append(.forget(flow.packetID))
        if let request = flow.request { actions.append(.complete(request, .published)) }
        fillWindow(now: now, actions: &actions)
    }
}

// Inbound QoS 1/2 with `InboundAcknowledgement.afterHandling`: the PUBACK or PUBREC waits until the
// message's consumers are done with it, and the answers leave in the order the PUBLISHes came
// [MQTT-4.6.0-2] [MQTT-4.6.0-3].

import MQTTCodec
import Reactor

extension ClientSession {
    /// A QoS 1/2 PUBLISH whose answer waits. A resend of a message still being handled (the broker
    /// sends it again after a reconnect) is not delivered twice; a QoS 2 message already answered
    /// with PUBREC gets PUBREC again and is not delivered [MQTT-4.3.3-2].
    mutating func heldPublishReceived(_ publish: Publish, now: Instant, actions: inout [ClientAction]) {
        let id = publish.packetID!
        if publish.qos == .exactlyOnce, awaitingRelease.contains(id) {
            // Answered before; the new PUBREC still queues behind the answers held for earlier PUBLISHes.
            let ticket = heldAcknowledgements!.add(id, qos: .exactlyOnce)
            heldAcknowledgements!.delivered(ticket, consumers: 0)
            sendSettledAcknowledgements(now: now, actions: &actions)
            return
        }
        guard !heldAcknowledgements!.isHandling(id) else { return }
        let ticket = heldAcknowledgements!.add(id, qos: publish.qos)
        actions.append(.deliverForHandling(publish, ticket))
    }

    /// The driver handed the message of `ticket` to `consumers` streams (0: none matched, so it is
    /// settled at once).
    public mutating func messageDelivered(
        _ ticket: HandlingTicket, consumers: Int, now: Instant, actions: inout [ClientAction]
    ) {
        heldAcknowledgements?.delivered(ticket, consumers: consumers)
        if consumers == 0 { sendSettledAcknowledgements(now: now, actions: &actions) }
    }

    /// One consumer of `ticket` is done: it handled the message, or stopped without handling it
    /// (then the message is never acknowledged on this connection and comes again after a
    /// reconnect of a persistent session).
    public mutating func messageFinished(
        _ ticket: HandlingTicket, handled: Bool, now: Instant, actions: inout [ClientAction]
    ) {
        heldAcknowledgements?.finished(ticket, handled: handled)
        sendSettledAcknowledgements(now: now, actions: &actions)
    }

    /// Answers the settled messages at the front of the line, while connected.
    mutating func sendSettledAcknowledgements(now: Instant, actions: inout [ClientAction]) {
        guard phase == .connected, heldAcknowledgements != nil else { return }
        for entry in heldAcknowledgements!.takeSettled() {
            if entry.qos == .atLeastOnce {
                send(.pubAck(PubAck(packetID: entry.packetID)), now: now, actions: &actions)
            } else {
                awaitingRelease.insert(entry.packetID)
                send(.pubRec(PubRec(packetID: entry.packetID)), now: now, actions: &actions)
            }
        }
    }
}

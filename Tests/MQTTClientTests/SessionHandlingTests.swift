// `InboundAcknowledgement.afterHandling`: the PUBACK/PUBREC of an inbound message waits until its
// consumers are done, and answers leave in arrival order.

import MQTTClient
import MQTTCodec
import Reactor
import Testing

@Suite("ClientSession: acknowledging inbound messages after they are handled")
struct SessionHandlingTests {
    static func harness(cleanSession: Bool = true) -> SessionHarness {
        var options = SessionHarness.options(cleanSession: cleanSession)
        options.acknowledgement = .afterHandling
        return SessionHarness(options: options)
    }

    /// Receives `message`; returns its ticket, reported as given to `consumers` streams.
    static func deliver(_ message: Publish, to harness: inout SessionHarness, consumers: Int = 1) -> HandlingTicket? {
        let actions = harness.receive(.publish(message))
        guard actions.count == 1, case .deliverForHandling(let delivered, let ticket) = actions[0],
            delivered == message
        else { return nil }
        let reported = harness.run { session, now, actions in
            session.messageDelivered(ticket, consumers: consumers, now: now, actions: &actions)
        }
        return reported.isEmpty ? ticket : nil
    }

    static func finish(_ ticket: HandlingTicket, handled: Bool = true, in harness: inout SessionHarness)
        -> [ClientAction]
    {
        harness.run { session, now, actions in
            session.messageFinished(ticket, handled: handled, now: now, actions: &actions)
        }
    }

    @Test("QoS 1: no PUBACK until the consumer is done [MQTT-4.3.2-2]")
    func pubAckWaitsForTheConsumer() throws {
        var harness = Self.harness()
        harness.connect()
        let ticket = try #require(Self.deliver(publishPacket("in", "m", qos: .atLeastOnce, id: 9), to: &harness))
        #expect(Self.finish(ticket, in: &harness) == [.send(.pubAck(PubAck(packetID: 9)))])
        #expect(Self.finish(ticket, in: &harness).isEmpty, "a second report changes nothing")
    }

    @Test("PUBACKs leave in the order the PUBLISHes arrived, whatever order they are handled in [MQTT-4.6.0-2]")
    func pubAcksInArrivalOrder() throws {
        var harness = Self.harness()
        harness.connect()
        let first = try #require(Self.deliver(publishPacket("in", "1", qos: .atLeastOnce, id: 1), to: &harness))
        let second = try #require(Self.deliver(publishPacket("in", "2", qos: .atLeastOnce, id: 2), to: &harness))
        let third = try #require(Self.deliver(publishPacket("in", "3", qos: .atLeastOnce, id: 3), to: &harness))
        #expect(Self.finish(third, in: &harness).isEmpty)
        #expect(Self.finish(second, in: &harness).isEmpty)
        #expect(
            Self.finish(first, in: &harness) == [
                .send(.pubAck(PubAck(packetID: 1))), .send(.pubAck(PubAck(packetID: 2))),
                .send(.pubAck(PubAck(packetID: 3))),
            ])
    }

    @Test("PUBRECs leave in arrival order too, mixed with PUBACKs [MQTT-4.6.0-3]")
    func pubRecsInArrivalOrder() throws {
        var harness = Self.harness()
        harness.connect()
        let exactly = try #require(Self.deliver(publishPacket("in", "a", qos: .exactlyOnce, id: 5), to: &harness))
        let atLeast = try #require(Self.deliver(publishPacket("in", "b", qos: .atLeastOnce, id: 6), to: &harness))
        #expect(Self.finish(atLeast, in: &harness).isEmpty)
        #expect(
            Self.finish(exactly, in: &harness) == [
                .send(.pubRec(PubRec(packetID: 5))), .send(.pubAck(PubAck(packetID: 6))),
            ])
        // Answered with PUBREC: a resend is answered again and not delivered [MQTT-4.3.3-2].
        var again = publishPacket("in", "a", qos: .exactlyOnce, id: 5)
        again.dup = true
        #expect(harness.receive(.publish(again)) == [.send(.pubRec(PubRec(packetID: 5)))])
        #expect(harness.receive(.pubRel(PubRel(packetID: 5))) == [.send(.pubComp(PubComp(packetID: 5)))])
    }

    @Test("A message every stream must see is answered once all of them are done")
    func everyConsumerMustFinish() throws {
        var harness = Self.harness()
        harness.connect()
        let ticket = try #require(
            Self.deliver(publishPacket("in", "m", qos: .atLeastOnce, id: 4), to: &harness, consumers: 2))
        #expect(Self.finish(ticket, in: &harness).isEmpty)
        #expect(Self.finish(ticket, in: &harness) == [.send(.pubAck(PubAck(packetID: 4)))])
    }

    @Test("A message no stream wants is answered at once")
    func unmatchedIsAnsweredAtOnce() throws {
        var harness = Self.harness()
        harness.connect()
        let message = publishPacket("in", "m", qos: .atLeastOnce, id: 3)
        let actions = harness.receive(.publish(message))
        guard case .deliverForHandling(_, let ticket) = actions.first else {
            Issue.record("not delivered: \(actions)")
            return
        }
        let reported = harness.run { session, now, actions in
            session.messageDelivered(ticket, consumers: 0, now: now, actions: &actions)
        }
        #expect(reported == [.send(.pubAck(PubAck(packetID: 3)))])
    }

    @Test("A message whose consumer stopped is never answered; the ones after it are")
    func abandonedIsNotAnswered() throws {
        var harness = Self.harness()
        harness.connect()
        let first = try #require(Self.deliver(publishPacket("in", "1", qos: .atLeastOnce, id: 1), to: &harness))
        let second = try #require(Self.deliver(publishPacket("in", "2", qos: .atLeastOnce, id: 2), to: &harness))
        #expect(Self.finish(second, in: &harness).isEmpty)
        #expect(Self.finish(first, handled: false, in: &harness) == [.send(.pubAck(PubAck(packetID: 2)))])
    }

    @Test("A resend of a message still being handled is not delivered again")
    func resendWhileHandlingIsNotDeliveredTwice() throws {
        var harness = Self.harness(cleanSession: false)
        harness.connect()
        let message = publishPacket("in", "m", qos: .atLeastOnce, id: 8)
        let ticket = try #require(Self.deliver(message, to: &harness))
        _ = harness.loseConnection()
        #expect(harness.reconnect(sessionPresent: true).isEmpty)
        var again = message
        again.dup = true
        #expect(harness.receive(.publish(again)).isEmpty)
        #expect(Self.finish(ticket, in: &harness) == [.send(.pubAck(PubAck(packetID: 8)))])
    }

    @Test("Handled while the connection was down: answered after CONNACK if the session was resumed")
    func handledWhileDisconnected() throws {
        var harness = Self.harness(cleanSession: false)
        harness.connect()
        let ticket = try #require(Self.deliver(publishPacket("in", "m", qos: .atLeastOnce, id: 2), to: &harness))
        _ = harness.loseConnection()
        #expect(Self.finish(ticket, in: &harness).isEmpty)
        #expect(sentPackets(harness.reconnect(sessionPresent: true)) == [.pubAck(PubAck(packetID: 2))])
    }

    @Test("Handled while the connection was down: not answered when the broker lost the session")
    func handledWhileSessionLost() throws {
        var harness = Self.harness(cleanSession: false)
        harness.connect()
        let ticket = try #require(Self.deliver(publishPacket("in", "m", qos: .atLeastOnce, id: 2), to: &harness))
        _ = harness.loseConnection()
        #expect(Self.finish(ticket, in: &harness).isEmpty)
        let actions = harness.reconnect(sessionPresent: false)
        #expect(!sentPackets(actions).contains(.pubAck(PubAck(packetID: 2))))
        // The identifier may now name a new message, which is delivered.
        #expect(Self.deliver(publishPacket("in", "new", qos: .atLeastOnce, id: 2), to: &harness) != nil)
    }

    @Test("An abandoned message waiting behind an unfinished one is delivered again when resent")
    func abandonedBehindUnfinishedIsDeliveredWhenResent() throws {
        var harness = Self.harness(cleanSession: false)
        harness.connect()
        let first = try #require(Self.deliver(publishPacket("in", "1", qos: .atLeastOnce, id: 1), to: &harness))
        let second = try #require(Self.deliver(publishPacket("in", "2", qos: .atLeastOnce, id: 2), to: &harness))
        #expect(Self.finish(second, handled: false, in: &harness).isEmpty)
        _ = harness.loseConnection()
        _ = harness.reconnect(sessionPresent: true)
        // The broker resends both [MQTT-4.4.0-1]: the first is still being handled, the second is new work.
        #expect(harness.receive(.publish(publishPacket("in", "1", qos: .atLeastOnce, id: 1, dup: true))).isEmpty)
        let again = try #require(
            Self.deliver(publishPacket("in", "2", qos: .atLeastOnce, id: 2, dup: true), to: &harness))
        #expect(Self.finish(first, in: &harness) == [.send(.pubAck(PubAck(packetID: 1)))])
        #expect(Self.finish(again, in: &harness) == [.send(.pubAck(PubAck(packetID: 2)))])
    }

    @Test("A resent QoS 2 PUBLISH already answered waits behind earlier held answers [MQTT-4.6.0-3]")
    func repeatedPubRecKeepsArrivalOrder() throws {
        var harness = Self.harness()
        harness.connect()
        let answered = try #require(Self.deliver(publishPacket("in", "a", qos: .exactlyOnce, id: 5), to: &harness))
        #expect(Self.finish(answered, in: &harness) == [.send(.pubRec(PubRec(packetID: 5)))])
        let held = try #require(Self.deliver(publishPacket("in", "b", qos: .atLeastOnce, id: 6), to: &harness))
        var again = publishPacket("in", "a", qos: .exactlyOnce, id: 5)
        again.dup = true
        #expect(harness.receive(.publish(again)).isEmpty, "behind the held PUBACK of 6")
        #expect(
            Self.finish(held, in: &harness) == [
                .send(.pubAck(PubAck(packetID: 6))), .send(.pubRec(PubRec(packetID: 5))),
            ])
    }

    @Test("QoS 0 needs no answer and is delivered as before")
    func qos0IsUnchanged() {
        var harness = Self.harness()
        harness.connect()
        let message = publishPacket("in", "m", qos: .atMostOnce, id: nil)
        #expect(harness.receive(.publish(message)) == [.deliver(message)])
    }
}

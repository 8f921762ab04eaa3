// QoS 1 and 2 in both directions (section 4.3), driven through the shard.

import MQTTCodec
import Testing

@testable import MQTTBroker

@Suite struct OutboundQoSTests {

    @Test("[MQTT-4.3.2-1] QoS 1: PUBLISH, then PUBACK completes the delivery")
    func qos1() {
        var harness = ShardHarness()
        let (subscriber, publisher) = harness.subscriberAndPublisher()
        let actions = harness.publishReleased(publisher, "t", "m", qos: .atLeastOnce, packetID: 9)
        #expect(
            actions.delivered(to: subscriber) == [Delivered(topic: "t", payload: "m", qos: .atLeastOnce, packetID: 1)])
        #expect(harness.shard.sessions[0]!.outbound.inFlight.count == 1)
        #expect(harness.send(.pubAck(PubAck(packetID: 1)), on: subscriber).packets(to: subscriber).isEmpty)
        #expect(harness.shard.sessions[0]!.outbound.inFlight.isEmpty)
    }

    @Test("[MQTT-4.3.3-1] QoS 2: PUBLISH, PUBREC, the server's PUBREL, then PUBCOMP completes the delivery")
    func qos2() {
        var harness = ShardHarness()
        let (subscriber, publisher) = harness.subscriberAndPublisher()
        let actions = harness.publishReleased(publisher, "t", "m", qos: .exactlyOnce, packetID: 9)
        #expect(
            actions.delivered(to: subscriber) == [Delivered(topic: "t", payload: "m", qos: .exactlyOnce, packetID: 1)])
        let rec = harness.send(.pubRec(PubRec(packetID: 1)), on: subscriber)
        #expect(rec.packets(to: subscriber) == [.pubRel(PubRel(packetID: 1))])  // [MQTT-4.3.3-1]
        #expect(harness.shard.sessions[0]!.outbound.inFlight.map(\.stage) == [.awaitingPubComp])
        // A repeated PUBREC is answered again.
        #expect(
            harness.send(.pubRec(PubRec(packetID: 1)), on: subscriber).packets(to: subscriber) == [
                .pubRel(PubRel(packetID: 1))
            ])
        #expect(harness.send(.pubComp(PubComp(packetID: 1)), on: subscriber).packets(to: subscriber).isEmpty)
        #expect(harness.shard.sessions[0]!.outbound.inFlight.isEmpty)
    }

    @Test("an acknowledgement of the wrong QoS is a protocol error that closes the connection, as in Mosquitto",
          arguments: [(QoS.exactlyOnce, Packet.pubAck(PubAck(packetID: 1)), PacketType.pubAck),
                      (.atLeastOnce, .pubRec(PubRec(packetID: 1)), .pubRec),
                      (.atLeastOnce, .pubComp(PubComp(packetID: 1)), .pubComp)])
    func wrongAcknowledgement(qos: QoS, answer: Packet, type: PacketType) {
        var harness = ShardHarness()
        let (subscriber, publisher) = harness.subscriberAndPublisher()
        harness.publishReleased(publisher, "t", "m", qos: qos, packetID: 9)
        let actions = harness.send(answer, on: subscriber)
        #expect(actions.closeReason(of: subscriber) == .protocolViolation(.acknowledgementOfWrongQoS(type)))
        #expect(actions.packets(to: subscriber).isEmpty, "no PUBREL for a QoS 1 message")
    }

    @Test("packet identifiers start at 1 for each session and increase; QoS 0 takes none")
    func packetIDsPerSession() {
        var harness = ShardHarness()
        let first = harness.connected("a")
        harness.subscribe(first, "t", qos: .exactlyOnce)
        let publisher = harness.connected("p")
        harness.publishReleased(publisher, "t", "0", qos: .atLeastOnce)
        let second = harness.connected("b")
        harness.subscribe(second, "t", qos: .exactlyOnce)
        let actions =
            harness.publishReleased(publisher, "t", "1", qos: .atMostOnce)
            + harness.publishReleased(publisher, "t", "2", qos: .atLeastOnce)
            + harness.publishReleased(publisher, "t", "3", qos: .exactlyOnce)
        #expect(actions.delivered(to: first).map(\.packetID) == [nil, 2, 3])
        #expect(actions.delivered(to: second).map(\.packetID) == [nil, 1, 2])
    }

    @Test("max_inflight_messages: the window holds that many; acknowledgements release the queue in order")
    func inFlightWindow() {
        var limits = BrokerLimits()
        limits.maximumInFlightMessages = 2
        var harness = ShardHarness(limits: limits)
        let (subscriber, publisher) = harness.subscriberAndPublisher()
        var sent: [BrokerAction] = []
        for index in 1...5 {
            sent += harness.publishReleased(publisher, "t", "m\(index)", qos: index == 2 ? .exactlyOnce : .atLeastOnce)
        }
        #expect(sent.delivered(to: subscriber).map(\.payload) == ["m1", "m2"])
        #expect(harness.shard.sessions[0]!.outbound.queue.count == 3)

        // PUBREC does not free a slot: the QoS 2 message is still in flight until PUBCOMP.
        #expect(harness.send(.pubRec(PubRec(packetID: 2)), on: subscriber).delivered(to: subscriber).isEmpty)
        let afterPubAck = harness.send(.pubAck(PubAck(packetID: 1)), on: subscriber)
        #expect(
            afterPubAck.delivered(to: subscriber) == [
                Delivered(topic: "t", payload: "m3", qos: .atLeastOnce, packetID: 3)
            ])
        let afterPubComp = harness.send(.pubComp(PubComp(packetID: 2)), on: subscriber)
        #expect(
            afterPubComp.delivered(to: subscriber) == [
                Delivered(topic: "t", payload: "m4", qos: .atLeastOnce, packetID: 4)
            ])
        // An acknowledgement for an identifier not in flight releases nothing.
        #expect(harness.send(.pubAck(PubAck(packetID: 1)), on: subscriber).delivered(to: subscriber).isEmpty)
        let last = harness.send(.pubAck(PubAck(packetID: 3)), on: subscriber)
        #expect(
            last.delivered(to: subscriber) == [Delivered(topic: "t", payload: "m5", qos: .atLeastOnce, packetID: 5)])
        #expect(harness.shard.sessions[0]!.outbound.queue.isEmpty)
    }

    @Test("max_queued_messages: messages beyond window and queue are dropped and counted")
    func queueLimitDrops() {
        var limits = BrokerLimits()
        limits.maximumInFlightMessages = 1
        limits.maximumQueuedMessages = 2
        var harness = ShardHarness(limits: limits)
        let (subscriber, publisher) = harness.subscriberAndPublisher()
        var sent: [BrokerAction] = []
        for index in 1...5 { sent += harness.publishReleased(publisher, "t", "m\(index)", qos: .atLeastOnce) }
        #expect(sent.delivered(to: subscriber).map(\.payload) == ["m1"])
        #expect(harness.context.statistics.publishDropped.value == 2)
        var released: [String] = []
        for packetID: PacketID in [1, 2, 3, 4] {
            released += harness.send(.pubAck(PubAck(packetID: packetID)), on: subscriber).delivered(to: subscriber).map(
                \.payload)
        }
        #expect(released == ["m2", "m3"])
        // QoS 0 bypasses window and queue: never dropped by them.
        #expect(harness.publishReleased(publisher, "t", "q0").delivered(to: subscriber).map(\.payload) == ["q0"])
    }
}

extension ShardHarness {
    /// Connects a subscriber "s" on `t` at QoS 2 (session slot 0) and a publisher "p".
    mutating func subscriberAndPublisher() -> (subscriber: ConnectionID, publisher: ConnectionID) {
        let subscriber = connected("s")
        subscribe(subscriber, "t", qos: .exactlyOnce)
        return (subscriber, connected("p"))
    }
}

@Suite struct InboundQoSTests {
    @Test("[MQTT-4.3.2-2] QoS 1 from a client: PUBACK with its identifier, and delivery")
    func qos1() {
        var harness = ShardHarness()
        let subscriber = harness.connected("s")
        harness.subscribe(subscriber, "t")
        let publisher = harness.connected("p")
        let actions = harness.publish(publisher, "t", "m", qos: .atLeastOnce, packetID: 42)
        #expect(actions.packets(to: publisher) == [.pubAck(PubAck(packetID: 42))])
        #expect(actions.delivered(to: subscriber) == [Delivered(topic: "t", payload: "m")])
        #expect(harness.context.statistics.publishReceived.value == 1)
    }

    @Test("[MQTT-4.3.3-2] QoS 2 from a client: PUBREC, delivered once on PUBREL, PUBCOMP")
    func qos2() {
        var harness = ShardHarness()
        let subscriber = harness.connected("s")
        harness.subscribe(subscriber, "t", qos: .exactlyOnce)
        let publisher = harness.connected("p")
        let first = harness.publish(publisher, "t", "m", qos: .exactlyOnce, packetID: 7)
        #expect(first.packets(to: publisher) == [.pubRec(PubRec(packetID: 7))])
        #expect(first.delivered(to: subscriber).isEmpty, "held until PUBREL")

        let resent = harness.publish(publisher, "t", "m", qos: .exactlyOnce, packetID: 7, dup: true)
        #expect(resent.packets(to: publisher) == [.pubRec(PubRec(packetID: 7))])
        #expect(resent.delivered(to: subscriber).isEmpty)

        let release = harness.send(.pubRel(PubRel(packetID: 7)), on: publisher)
        #expect(release.packets(to: publisher) == [.pubComp(PubComp(packetID: 7))])
        #expect(
            release.delivered(to: subscriber) == [Delivered(topic: "t", payload: "m", qos: .exactlyOnce, packetID: 1)])

        let repeated = harness.send(.pubRel(PubRel(packetID: 7)), on: publisher)
        #expect(repeated.packets(to: publisher) == [.pubComp(PubComp(packetID: 7))])
        #expect(repeated.delivered(to: subscriber).isEmpty, "never delivered twice")
    }

    @Test("a resent QoS 2 PUBLISH keeps the first copy: a changed payload under the same id is not delivered")
    func qos2FirstCopyWins() {
        var harness = ShardHarness()
        let subscriber = harness.connected("s")
        harness.subscribe(subscriber, "t", qos: .exactlyOnce)
        let publisher = harness.connected("p")
        harness.publish(publisher, "t", "first", qos: .exactlyOnce, packetID: 3)
        harness.publish(publisher, "t", "second", qos: .exactlyOnce, packetID: 3, dup: true)
        let release = harness.send(.pubRel(PubRel(packetID: 3)), on: publisher)
        #expect(release.delivered(to: subscriber).map(\.payload) == ["first"])
    }

    @Test("PUBREL for an unknown identifier is still answered with PUBCOMP")
    func pubRelUnknown() {
        var harness = ShardHarness()
        let publisher = harness.connected("p")
        let actions = harness.send(.pubRel(PubRel(packetID: 99)), on: publisher)
        #expect(actions.packets(to: publisher) == [.pubComp(PubComp(packetID: 99))])
        #expect(actions.closes.isEmpty)
    }

    @Test("a QoS 2 message awaiting PUBREL survives reconnection of a persistent session")
    func qos2AwaitingReleaseSurvivesReconnect() {
        var harness = ShardHarness()
        let subscriber = harness.connected("s")
        harness.subscribe(subscriber, "t")
        let publisher = harness.connected("p", cleanSession: false)
        harness.publish(publisher, "t", "m", qos: .exactlyOnce, packetID: 5)
        harness.lose(publisher)
        let (again, _) = harness.connect("p", cleanSession: false)
        let release = harness.send(.pubRel(PubRel(packetID: 5)), on: again)
        #expect(release.packets(to: again) == [.pubComp(PubComp(packetID: 5))])
        #expect(release.delivered(to: subscriber).map(\.payload) == ["m"])
    }

    @Test("message_size_limit: a too large PUBLISH is dropped and counted, but still acknowledged")
    func messageSizeLimit() {
        var limits = BrokerLimits()
        limits.messageSizeLimit = 4
        var harness = ShardHarness(limits: limits)
        let subscriber = harness.connected("s")
        harness.subscribe(subscriber, "t", qos: .exactlyOnce)
        let publisher = harness.connected("p")
        let qos1 = harness.publish(publisher, "t", "12345", qos: .atLeastOnce, packetID: 1)
        #expect(qos1.packets(to: publisher) == [.pubAck(PubAck(packetID: 1))])
        #expect(qos1.delivered(to: subscriber).isEmpty)
        harness.publish(publisher, "t", "12345", qos: .exactlyOnce, packetID: 2)
        #expect(harness.send(.pubRel(PubRel(packetID: 2)), on: publisher).delivered(to: subscriber).isEmpty)
        #expect(harness.publish(publisher, "t", "1234").delivered(to: subscriber).map(\.payload) == ["1234"])
        #expect(harness.context.statistics.publishDropped.value == 2)
    }

    @Test("retain_available false: a retained PUBLISH closes the connection")
    func retainNotAvailable() {
        var limits = BrokerLimits()
        limits.retainAvailable = false
        var harness = ShardHarness(limits: limits)
        let publisher = harness.connected("p")
        let actions = harness.publish(publisher, "t", "m", retain: true)
        #expect(actions.closeReason(of: publisher) == .protocolViolation(.retainNotAvailable))
        #expect(harness.context.retained.count == 0)
    }

    @Test("a subscriber that falls behind is logged once per run of drops, not once per dropped message")
    func dropLogOncePerRun() {
        var limits = BrokerLimits()
        limits.maximumInFlightMessages = 1
        limits.maximumQueuedMessages = 1
        var harness = ShardHarness(limits: limits)
        let (subscriber, publisher) = harness.subscriberAndPublisher()
        func dropLines(_ actions: [BrokerAction]) -> Int {
            actions.filter { action in
                if case .log(_, let line) = action { line.hasPrefix("Outgoing messages are being dropped") } else { false }
            }.count
        }
        var sent: [BrokerAction] = []
        // m1 in flight, m2 queued, m3-m6 dropped: one line.
        for index in 1...6 { sent += harness.publishReleased(publisher, "t", "m\(index)", qos: .atLeastOnce) }
        #expect(harness.context.statistics.publishDropped.value == 4)
        #expect(dropLines(sent) == 1)
        // The PUBACK lets m2 out; m7 is queued again, which ends the run; m8-m9 start a new one.
        sent = harness.send(.pubAck(PubAck(packetID: 1)), on: subscriber)
        for index in 7...9 { sent += harness.publishReleased(publisher, "t", "m\(index)", qos: .atLeastOnce) }
        #expect(harness.context.statistics.publishDropped.value == 6)
        #expect(dropLines(sent) == 1)
    }
}

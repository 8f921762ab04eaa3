// The broker statements of docs/conformance.md Part 3 that no other state-machine test checked on
// its own: connection and session rules, wills, retained messages, PUBLISH handling. SUBSCRIBE and
// UNSUBSCRIBE are in ConformanceGapSubscriptionTests.swift, ordering (section 4.6) in
// ConformanceGapOrderingTests.swift.

import MQTTCodec
import Testing

@testable import MQTTBroker

@Suite struct ConformanceGapConnectTests {
    static let clientIDs = [
        "a", "Z", "7", "0123456789abcdefghijKLM",  // 1 to 23 bytes of 0-9a-zA-Z: required
        "a-client-id-longer-than-23-bytes", "with/slash:colon", "é",  // beyond: allowed, as in Mosquitto
    ]

    @Test("[MQTT-3.1.3-5] client ids of 1-23 bytes of 0-9a-zA-Z are accepted", arguments: clientIDs)
    func clientIDsOfTheRequiredFormAreAccepted(_ clientID: String) {
        var harness = ShardHarness()
        let (id, actions) = harness.connect(clientID)
        #expect(actions.connAcks(to: id) == [ConnAck(sessionPresent: false, returnCode: .accepted)])
        #expect(actions.closes.isEmpty)
        #expect(harness.shard.clientID(of: id) == clientID, "the id is kept as sent, not replaced")
    }

    @Test("[MQTT-3.1.4-5] after a refused CONNECT, nothing else the client sends is processed")
    func nothingIsProcessedAfterARefusedConnect() {
        var limits = BrokerLimits()
        limits.allowAnonymous = false
        var harness = ShardHarness(limits: limits)
        let watcher = harness.connected("watcher", username: "user")
        harness.subscribe(watcher, "#")

        let id = harness.open()
        let refusedConnect = Connect(clientID: "intruder", will: will("wills/intruder", "gone"))
        let refused = harness.send(.connect(refusedConnect), on: id)
        #expect(refused.connAcks(to: id) == [ConnAck(sessionPresent: false, returnCode: .notAuthorized)])
        #expect(refused.closeReason(of: id) == .refused(.notAuthorized))

        let later: [Packet] = [
            .connect(Connect(clientID: "intruder", username: "user")),
            .publish(
                Publish(
                    topic: topicName("t"), payload: ByteBuffer(string: "m"), qos: .atLeastOnce, packetID: 1,
                    retain: true)),
            .subscribe(Subscribe(packetID: 2, requests: [.init(filter: filter("#"), qos: .atLeastOnce)])),
            .pingReq,
            .disconnect,
        ]
        for packet in later {
            #expect(harness.send(packet, on: id).isEmpty, "\(packet.type) after the refusal")
        }
        #expect(harness.decodeFailed(.invalidQoS, on: id).isEmpty)
        #expect(harness.lose(id).isEmpty, "no will: the refused connection never had one")
        #expect(harness.context.retained.count == 0)
        #expect(harness.shard.sessionCount == 1)
        #expect(harness.shard.connectionCount == 1)
    }

    @Test("[MQTT-3.1.3-2] the client id names the session: each id resumes its own state")
    func clientIDIdentifiesTheSession() {
        var harness = ShardHarness()
        for clientID in ["a", "b"] {
            let id = harness.connected(clientID, cleanSession: false)
            harness.subscribe(id, "to/\(clientID)", qos: .atLeastOnce)
            harness.send(.disconnect, on: id)
        }
        let publisher = harness.connected("p")
        harness.publish(publisher, "to/a", "for a", qos: .atLeastOnce, packetID: 1)
        harness.publish(publisher, "to/b", "for b", qos: .atLeastOnce, packetID: 2)
        for clientID in ["b", "a"] {
            let (id, actions) = harness.connect(clientID, cleanSession: false)
            #expect(actions.connAcks(to: id) == [ConnAck(sessionPresent: true, returnCode: .accepted)])
            #expect(actions.delivered(to: id).map(\.payload) == ["for \(clientID)"])
        }
        let (fresh, actions) = harness.connect("c", cleanSession: false)
        #expect(actions.connAcks(to: fresh) == [ConnAck(sessionPresent: false, returnCode: .accepted)])
    }

    @Test("[MQTT-4.1.0-2] a clean session lasts as long as its connection, however long and whatever else happens")
    func sessionLastsAsLongAsItsConnection() {
        var harness = ShardHarness()
        let (client, _) = harness.connect("c", keepAlive: 0)
        harness.subscribe(client, "t", qos: .atLeastOnce)
        let (publisher, _) = harness.connect("p", keepAlive: 0)
        let first = harness.publish(publisher, "t", "one", qos: .atLeastOnce)
        #expect(first.delivered(to: client).map(\.packetID) == [1])
        for round in 0..<4 {
            harness.advance(by: .seconds(86_400))
            #expect(harness.checkTimeouts().closes.isEmpty)
            let passer = harness.connected("passer-\(round)", cleanSession: round.isMultiple(of: 2))
            harness.lose(passer)
        }
        let acknowledged = harness.send(.pubAck(PubAck(packetID: 1)), on: client)
        #expect(acknowledged.closes.isEmpty, "the message sent a day ago is still in flight in the same session")
        #expect(harness.shard.session(of: "c")!.outbound.inFlight.isEmpty)
        let next = harness.publish(publisher, "t", "two", qos: .atLeastOnce)
        #expect(next.delivered(to: client).map(\.packetID) == [2], "identifiers keep counting in the same session")
    }
}

@Suite struct ConformanceGapWillTests {
    private func storedWill(_ harness: ShardHarness, _ clientID: String) -> Will? {
        harness.shard.session(of: clientID)!.will
    }

    @Test("[MQTT-3.1.2-10] the will is removed once published, and on DISCONNECT")
    func willIsRemovedOncePublishedOrOnDisconnect() {
        var harness = ShardHarness()
        let watcher = harness.connected("w")
        harness.subscribe(watcher, "wills/#")

        let first = harness.connected("c", cleanSession: false, will: will("wills/c", "first"))
        #expect(storedWill(harness, "c")?.topic.string == "wills/c", "[MQTT-3.1.2-8] stored with the connection")
        #expect(harness.lose(first).delivered(to: watcher).map(\.payload) == ["first"])
        #expect(storedWill(harness, "c") == nil, "removed once published")

        let second = harness.connected("c", cleanSession: false, will: will("wills/c", "second"))
        #expect(storedWill(harness, "c")?.payload.readableString == "second")
        #expect(harness.send(.disconnect, on: second).deliveries.isEmpty)
        #expect(storedWill(harness, "c") == nil, "removed on DISCONNECT")

        let third = harness.connected("c", cleanSession: false)
        #expect(harness.lose(third).deliveries.isEmpty, "neither will comes back")
    }

    @Test(
        "[MQTT-3.1.2-12] a connection without a will publishes nothing, however it ends",
        arguments: WillTests.Ending.allCases)
    func noWillFlagNoWill(_ ending: WillTests.Ending) {
        var harness = ShardHarness()
        let watcher = harness.connected("w")
        harness.subscribe(watcher, "#")
        let (client, _) = harness.connect("c", cleanSession: false, keepAlive: 10)
        let actions: [BrokerAction]
        switch ending {
        case .peerClosed: actions = harness.lose(client)
        case .ioError: actions = harness.lose(client, reason: .ioError("reset"))
        case .keepAliveTimeout:
            harness.advance(by: .seconds(15))
            harness.send(.pingReq, on: watcher)
            harness.advance(by: .milliseconds(1))
            actions = harness.checkTimeouts()
        case .protocolViolation: actions = harness.send(.connect(Connect(clientID: "c")), on: client)
        case .malformedPacket: actions = harness.decodeFailed(.invalidQoS, on: client)
        case .disconnect: actions = harness.send(.disconnect, on: client)
        }
        #expect(harness.shard.connectionCount == 1, "only the watcher is left")
        #expect(actions.deliveries.isEmpty)
        #expect(harness.context.retained.count == 0)
    }

    @Test("[MQTT-3.1.2-16] a will with RETAIN 0 is published non-retained and leaves the retained message alone")
    func willWithRetain0IsNotRetained() {
        var harness = ShardHarness()
        let publisher = harness.connected("p")
        harness.publish(publisher, "status/c", "online", retain: true)
        let watcher = harness.connected("w")
        harness.subscribe(watcher, "status/c")
        let client = harness.connected("c", will: will("status/c", "offline", retain: false))
        #expect(harness.lose(client).delivered(to: watcher) == [Delivered(topic: "status/c", payload: "offline")])
        let late = harness.connected("late")
        #expect(
            harness.subscribe(late, "status/c").delivered(to: late) == [
                Delivered(topic: "status/c", payload: "online", retain: true)
            ])
    }
}

@Suite struct ConformanceGapRetainTests {
    @Test("[MQTT-3.1.2-7] retained messages outlive the sessions of their publishers")
    func retainedMessagesSurviveTheSession() {
        var harness = ShardHarness()
        let clean = harness.connected("clean")
        harness.publish(clean, "r/clean", "1", retain: true)
        harness.send(.disconnect, on: clean)
        let persistent = harness.connected("persistent", cleanSession: false)
        harness.publishReleased(persistent, "r/persistent", "2", qos: .exactlyOnce, retain: true)
        harness.lose(persistent)
        _ = harness.connected("persistent", cleanSession: true)  // discards the stored session [MQTT-3.1.2-6]
        let takenOver = harness.connected("taken")
        harness.publish(takenOver, "r/taken", "3", retain: true)
        _ = harness.connected("taken")
        #expect(harness.shard.clientIDs.sorted() == ["persistent", "taken"], "only the new sessions")

        let subscriber = harness.connected("s")
        #expect(
            harness.subscribe(subscriber, "r/+").delivered(to: subscriber).map(\.payload).sorted() == ["1", "2", "3"])
    }

    @Test(
        "[MQTT-3.3.1-7] a retained QoS 0 message replaces a retained QoS 1 or 2 message",
        arguments: [QoS.atLeastOnce, .exactlyOnce])
    func retainedQoS0Replaces(_ earlier: QoS) {
        var harness = ShardHarness()
        let publisher = harness.connected("p")
        harness.publishReleased(publisher, "t", "old", qos: earlier, retain: true)
        harness.publish(publisher, "t", "new", qos: .atMostOnce, retain: true)
        #expect(harness.context.retained.count == 1)
        let subscriber = harness.connected("s")
        #expect(
            harness.subscribe(subscriber, "t", qos: .exactlyOnce).delivered(to: subscriber) == [
                Delivered(topic: "t", payload: "new", retain: true)
            ])
    }

    @Test("[MQTT-3.3.1-12] RETAIN 0 neither stores a message nor removes or replaces the retained one")
    func retain0NeitherStoresNorRemoves() {
        var harness = ShardHarness()
        let publisher = harness.connected("p")
        harness.publish(publisher, "fresh", "not kept")
        harness.publish(publisher, "kept", "kept", retain: true)
        harness.publishReleased(publisher, "kept", "live", qos: .exactlyOnce)
        harness.publish(publisher, "kept", "")
        #expect(harness.context.retained.count == 1)
        let subscriber = harness.connected("s")
        #expect(
            harness.subscribe(subscriber, [("fresh", .atMostOnce), ("kept", .atMostOnce)]).delivered(to: subscriber)
                == [
                    Delivered(topic: "kept", payload: "kept", retain: true)
                ])
    }
}

@Suite struct ConformanceGapPublishTests {
    @Test(
        "[MQTT-3.3.4-1] a PUBLISH is answered as its QoS requires: nothing, PUBACK or PUBREC", arguments: QoS.allCases)
    func publishIsAnsweredAsItsQoSRequires(_ qos: QoS) {
        var harness = ShardHarness()
        let publisher = harness.connected("p")
        let answer = harness.publish(publisher, "t", "m", qos: qos, packetID: 0x1234).packets(to: publisher)
        let expected: [Packet] =
            switch qos {
            case .atMostOnce: []
            case .atLeastOnce: [.pubAck(PubAck(packetID: 0x1234))]
            case .exactlyOnce: [.pubRec(PubRec(packetID: 0x1234))]
            }
        #expect(answer == expected)
    }

    @Test(
        "[MQTT-3.3.1-3] [MQTT-3.3.1-2] outgoing DUP says whether the broker retransmits, whatever the incoming DUP",
        arguments: QoS.allCases)
    func outgoingDupIgnoresIncomingDup(_ qos: QoS) {
        var harness = ShardHarness()
        let subscriber = harness.connected("s", cleanSession: false)
        harness.subscribe(subscriber, "t", qos: .exactlyOnce)
        let publisher = harness.connected("p")
        var sent = harness.publish(publisher, "t", "m", qos: qos, packetID: 4, dup: true)
        if qos == .exactlyOnce { sent += harness.send(.pubRel(PubRel(packetID: 4)), on: publisher) }
        let expectedID: UInt16? = qos == .atMostOnce ? nil : 1
        #expect(sent.delivered(to: subscriber) == [Delivered(topic: "t", payload: "m", qos: qos, packetID: expectedID)])

        harness.lose(subscriber)
        let (again, resumed) = harness.connect("s", cleanSession: false)
        let resent = qos == .atMostOnce ? [] : [Delivered(topic: "t", payload: "m", qos: qos, packetID: 1, dup: true)]
        #expect(resumed.delivered(to: again) == resent, "a retransmission sets DUP; QoS 0 is never retransmitted")
    }

    @Test("[MQTT-4.3.2-2] after PUBACK, a QoS 1 PUBLISH with the same identifier is a new message")
    func qos1SameIdentifierAfterPubAckIsNew() {
        var harness = ShardHarness()
        let subscriber = harness.connected("s")
        harness.subscribe(subscriber, "t")
        let publisher = harness.connected("p")
        for (payload, dup) in [("one", false), ("one", true), ("two", false)] {
            let actions = harness.publish(publisher, "t", payload, qos: .atLeastOnce, packetID: 5, dup: dup)
            #expect(actions.packets(to: publisher) == [.pubAck(PubAck(packetID: 5))])
            #expect(actions.delivered(to: subscriber) == [Delivered(topic: "t", payload: payload)])
        }
    }

    @Test("[MQTT-4.3.3-2] after PUBCOMP, a QoS 2 PUBLISH with the same identifier is a new message")
    func qos2SameIdentifierAfterPubCompIsNew() {
        var harness = ShardHarness()
        let subscriber = harness.connected("s")
        harness.subscribe(subscriber, "t")
        let publisher = harness.connected("p")
        for (payload, dup) in [("one", false), ("one", true), ("two", false)] {
            let received = harness.publish(publisher, "t", payload, qos: .exactlyOnce, packetID: 6, dup: dup)
            #expect(received.packets(to: publisher) == [.pubRec(PubRec(packetID: 6))])
            let released = harness.send(.pubRel(PubRel(packetID: 6)), on: publisher)
            #expect(released.packets(to: publisher) == [.pubComp(PubComp(packetID: 6))])
            #expect(released.delivered(to: subscriber) == [Delivered(topic: "t", payload: payload)])
        }
    }

    @Test("[MQTT-3.3.2-3] [MQTT-4.5.0-1] each matching session gets the message once, under the published topic")
    func deliveredTopicMatchesTheSubscription() {
        var generator = SeededGenerator(seed: 0x3323_4501)
        var harness = ShardHarness()
        var filters: [(ConnectionID, [TopicFilter])] = []
        for index in 0..<16 {
            let id = harness.connected("s\(index)")
            let own = (0..<2).map { _ in randomFilter(using: &generator) }
            harness.subscribe(id, own.map { ($0.string, QoS.atMostOnce) })
            filters.append((id, own))
        }
        let publisher = harness.connected("p")
        var matched = 0
        for _ in 0..<300 {
            let topic = randomTopic(using: &generator)
            let actions = harness.publish(publisher, topic.string, "m")
            for (id, own) in filters {
                let delivered = actions.delivered(to: id)
                let matches = own.contains { $0.matches(topic) }
                #expect(delivered.count == (matches ? 1 : 0), "\(topic) to \(own.map(\.string))")
                #expect(delivered.allSatisfy { $0.topic == topic.string })
                if matches { matched += 1 }
            }
        }
        #expect(matched > 100, "the generator produces matches")
    }
}

private func randomFilter(using generator: inout SeededGenerator) -> TopicFilter {
    var levels = (0..<Int.random(in: 1...3, using: &generator)).map { _ in
        ["a", "b", "", "+"].randomElement(using: &generator)!
    }
    if Bool.random(using: &generator) { levels.append("#") }
    let string = levels.joined(separator: "/")
    return filter(string.isEmpty ? "+" : string)
}

private func randomTopic(using generator: inout SeededGenerator) -> TopicName {
    let levels = (0..<Int.random(in: 1...3, using: &generator)).map { _ in
        ["a", "b", "c", ""].randomElement(using: &generator)!
    }
    let string = levels.joined(separator: "/")
    return topicName(string.isEmpty ? "a" : string)
}

// Sessions across connections (section 3.1.2.4, 4.4): offline queue, redelivery, clean session,
// unsubscribe.

import MQTTCodec
import Testing

@testable import MQTTBroker

@Suite struct SessionTests {
    @Test("[MQTT-3.1.2-5] an offline persistent session queues QoS 1 and 2, not QoS 0, and gets them on reconnect")
    func offlineQueue() {
        var harness = ShardHarness()
        let first = harness.connected("s", cleanSession: false)
        harness.subscribe(first, "t", qos: .exactlyOnce)
        harness.send(.disconnect, on: first)
        let publisher = harness.connected("p")
        var whileOffline: [BrokerAction] = []
        for (index, qos) in [QoS.atMostOnce, .atLeastOnce, .exactlyOnce, .atLeastOnce].enumerated() {
            whileOffline += harness.publishReleased(
                publisher, "t", "m\(index)", qos: qos, packetID: PacketID(rawValue: UInt16(index + 1))!)
        }
        #expect(whileOffline.deliveries.isEmpty)
        #expect(harness.context.statistics.clientsDisconnected.value == 1)

        let (again, actions) = harness.connect("s", cleanSession: false)
        #expect(actions.connAcks(to: again) == [ConnAck(sessionPresent: true, returnCode: .accepted)])
        #expect(
            actions.delivered(to: again) == [
                Delivered(topic: "t", payload: "m1", qos: .atLeastOnce, packetID: 1),
                Delivered(topic: "t", payload: "m2", qos: .exactlyOnce, packetID: 2),
                Delivered(topic: "t", payload: "m3", qos: .atLeastOnce, packetID: 3),
            ])
        #expect(
            actions.packets(to: again).first == .connAck(ConnAck(sessionPresent: true, returnCode: .accepted)),
            "CONNACK first")
    }

    @Test("queue_qos0_messages: QoS 0 messages are queued for an offline persistent session")
    func queueQoS0Messages() {
        var limits = BrokerLimits()
        limits.queueQoS0Messages = true
        var harness = ShardHarness(limits: limits)
        let first = harness.connected("s", cleanSession: false)
        harness.subscribe(first, "t", qos: .atLeastOnce)
        harness.lose(first)
        let publisher = harness.connected("p")
        harness.publish(publisher, "t", "qos0")
        let (again, actions) = harness.connect("s", cleanSession: false)
        #expect(actions.delivered(to: again) == [Delivered(topic: "t", payload: "qos0")])
    }

    @Test("the offline queue is bounded by max_queued_messages; the overflow is counted")
    func offlineQueueBounded() {
        var limits = BrokerLimits()
        limits.maximumQueuedMessages = 2
        var harness = ShardHarness(limits: limits)
        let first = harness.connected("s", cleanSession: false)
        harness.subscribe(first, "t", qos: .atLeastOnce)
        harness.lose(first)
        let publisher = harness.connected("p")
        for index in 1...4 { harness.publish(publisher, "t", "m\(index)", qos: .atLeastOnce) }
        #expect(harness.context.statistics.publishDropped.value == 2)
        let (again, actions) = harness.connect("s", cleanSession: false)
        #expect(actions.delivered(to: again).map(\.payload) == ["m1", "m2"])
    }

    @Test("[MQTT-4.4.0-1] on reconnect, unacknowledged PUBLISH are resent with DUP 1 and PUBREL again, in order")
    func redeliveryOnReconnect() {
        var harness = ShardHarness()
        let first = harness.connected("s", cleanSession: false)
        harness.subscribe(first, "t", qos: .exactlyOnce)
        let publisher = harness.connected("p")
        let sent =
            harness.publishReleased(publisher, "t", "one", qos: .atLeastOnce)
            + harness.publishReleased(publisher, "t", "two", qos: .exactlyOnce)
            + harness.publishReleased(publisher, "t", "three", qos: .exactlyOnce)
            + harness.publishReleased(publisher, "t", "four", qos: .atLeastOnce)
        #expect(sent.delivered(to: first).map(\.packetID) == [1, 2, 3, 4])
        #expect(
            harness.send(.pubRec(PubRec(packetID: 2)), on: first).packets(to: first) == [.pubRel(PubRel(packetID: 2))])
        harness.send(.pubAck(PubAck(packetID: 4)), on: first)
        harness.lose(first)
        harness.publishReleased(publisher, "t", "queued", qos: .atLeastOnce)

        let (again, actions) = harness.connect("s", cleanSession: false)
        let one = message("t", "one").publish(qos: .atLeastOnce, packetID: 1, retain: false, dup: true)
        let three = message("t", "three").publish(qos: .exactlyOnce, packetID: 3, retain: false, dup: true)
        // Identifiers keep counting: 4 was acknowledged but is not reused yet.
        let queued = message("t", "queued").publish(qos: .atLeastOnce, packetID: 5, retain: false, dup: false)
        #expect(
            actions.packets(to: again) == [
                .connAck(ConnAck(sessionPresent: true, returnCode: .accepted)),
                .publish(one), .pubRel(PubRel(packetID: 2)), .publish(three), .publish(queued),
            ])
        // The resumed flows complete as usual.
        harness.send(.pubAck(PubAck(packetID: 1)), on: again)
        harness.send(.pubComp(PubComp(packetID: 2)), on: again)
        harness.send(.pubRec(PubRec(packetID: 3)), on: again)
        harness.send(.pubComp(PubComp(packetID: 3)), on: again)
        harness.send(.pubAck(PubAck(packetID: 5)), on: again)
        #expect(harness.shard.sessions[0]!.outbound.inFlight.isEmpty)
    }

    @Test("[MQTT-3.1.2-6] clean session 1 discards the stored session: no subscriptions, no queued messages")
    func cleanSessionDiscards() {
        var harness = ShardHarness()
        let first = harness.connected("s", cleanSession: false)
        harness.subscribe(first, "t", qos: .atLeastOnce)
        harness.send(.disconnect, on: first)
        let publisher = harness.connected("p")
        harness.publish(publisher, "t", "queued", qos: .atLeastOnce)
        let (again, actions) = harness.connect("s", cleanSession: true)
        #expect(actions.connAcks(to: again) == [ConnAck(sessionPresent: false, returnCode: .accepted)])
        #expect(actions.deliveries.isEmpty)
        #expect(harness.publish(publisher, "t", "later", qos: .atLeastOnce).deliveries.isEmpty)
        #expect(harness.context.statistics.subscriptions.value == 0)
        #expect(harness.context.statistics.clientsDisconnected.value == 0)
    }

    @Test("a clean session 1 ends with its connection, whatever the reason")
    func cleanSessionEndsWithConnection() {
        var harness = ShardHarness()
        let first = harness.connected("s")
        harness.subscribe(first, "t", qos: .atLeastOnce)
        harness.lose(first, reason: .ioError("reset"))
        #expect(harness.shard.sessionCount == 0)
        #expect(harness.shard.tree.count == 0)
        let publisher = harness.connected("p")
        #expect(harness.publish(publisher, "t", "m", qos: .atLeastOnce).deliveries.isEmpty)
        let (again, actions) = harness.connect("s", cleanSession: false)
        #expect(actions.connAcks(to: again) == [ConnAck(sessionPresent: false, returnCode: .accepted)])
    }

    @Test(
        "[MQTT-3.10.4-1] UNSUBSCRIBE stops delivery; [MQTT-3.10.4-4] [MQTT-3.10.4-5] UNSUBACK even for unknown filters")
    func unsubscribe() {
        var harness = ShardHarness()
        let subscriber = harness.connected("s")
        harness.subscribe(subscriber, [("a/+", .atLeastOnce), ("b", .atMostOnce)])
        let publisher = harness.connected("p")
        let actions = harness.send(
            .unsubscribe(Unsubscribe(packetID: 12, filters: [filter("a/+"), filter("never/subscribed")])),
            on: subscriber)
        #expect(actions.packets(to: subscriber) == [.unsubAck(UnsubAck(packetID: 12))])
        #expect(harness.publish(publisher, "a/x", "m", qos: .atLeastOnce).deliveries.isEmpty)
        #expect(harness.publish(publisher, "b", "m").delivered(to: subscriber).count == 1)
        #expect(harness.shard.tree.count == 1)
        #expect(harness.context.statistics.subscriptions.value == 1)

        let unknownOnly = harness.send(
            .unsubscribe(Unsubscribe(packetID: 13, filters: [filter("x/#")])), on: subscriber)
        #expect(unknownOnly.packets(to: subscriber) == [.unsubAck(UnsubAck(packetID: 13))])
    }

    @Test("UNSUBSCRIBE matches the filter string exactly, not what it matches")
    func unsubscribeIsLiteral() {
        var harness = ShardHarness()
        let subscriber = harness.connected("s")
        harness.subscribe(subscriber, "a/b")
        harness.send(.unsubscribe(Unsubscribe(packetID: 2, filters: [filter("a/+")])), on: subscriber)
        let publisher = harness.connected("p")
        #expect(harness.publish(publisher, "a/b", "m").delivered(to: subscriber).count == 1)
    }
}

@Suite struct WillTests {
    /// The ways a connection can end, and whether each publishes the will [MQTT-3.1.2-8].
    enum Ending: String, CaseIterable, Sendable {
        case peerClosed, ioError, keepAliveTimeout, protocolViolation, malformedPacket, disconnect
    }

    @Test(
        "[MQTT-3.1.2-8] a will goes out when the connection ends without DISCONNECT; [MQTT-3.14.4-3] not after it",
        arguments: Ending.allCases)
    func willOnEnding(_ ending: Ending) {
        var harness = ShardHarness()
        let watcher = harness.connected("w")
        harness.subscribe(watcher, "wills/+")
        let (client, _) = harness.connect("c", keepAlive: 10, will: will("wills/c", "gone"))
        let actions: [BrokerAction]
        switch ending {
        case .peerClosed: actions = harness.lose(client)
        case .ioError: actions = harness.lose(client, reason: .ioError("reset"))
        case .keepAliveTimeout:
            harness.advance(by: .seconds(15))
            harness.send(.pingReq, on: watcher)
            harness.advance(by: .milliseconds(1))
            actions = harness.checkTimeouts()
            #expect(actions.closeReason(of: client) == .keepAliveTimeout)
        case .protocolViolation:
            actions = harness.send(.connect(Connect(clientID: "c")), on: client)
            #expect(actions.closeReason(of: client) == .protocolViolation(.secondConnect))
        case .malformedPacket:
            actions = harness.decodeFailed(.invalidQoS, on: client)
            #expect(actions.closeReason(of: client) == .malformedPacket(.invalidQoS))
        case .disconnect: actions = harness.send(.disconnect, on: client)
        }
        let expected = ending == .disconnect ? [] : [Delivered(topic: "wills/c", payload: "gone")]
        #expect(actions.delivered(to: watcher) == expected)
        // The will is gone with the connection: nothing more is published for it.
        #expect(harness.lose(client).isEmpty)
    }

    @Test("a will with RETAIN 1 is stored in the retained store")
    func willRetain() {
        var harness = ShardHarness()
        let client = harness.connected("c", will: will("status/c", "offline", retain: true))
        harness.lose(client)
        #expect(harness.context.retained.count == 1)
        let subscriber = harness.connected("s")
        #expect(
            harness.subscribe(subscriber, "status/#").delivered(to: subscriber) == [
                Delivered(topic: "status/c", payload: "offline", retain: true)
            ])
    }

    @Test("a will with RETAIN 1 is not stored while retain_available is false")
    func willRetainUnavailable() {
        var limits = BrokerLimits()
        limits.retainAvailable = false
        var harness = ShardHarness(limits: limits)
        let watcher = harness.connected("w")
        harness.subscribe(watcher, "status/c")
        let client = harness.connected("c", will: will("status/c", "offline", retain: true))
        #expect(harness.lose(client).delivered(to: watcher) == [Delivered(topic: "status/c", payload: "offline")])
        #expect(harness.context.retained.count == 0)
    }

    static let willQoSCases: [(QoS, QoS)] = [
        (.atLeastOnce, .exactlyOnce), (.exactlyOnce, .exactlyOnce), (.exactlyOnce, .atMostOnce),
        (.atMostOnce, .atLeastOnce),
    ]

    @Test("[MQTT-3.1.2-14] the will is published at its QoS, capped by the subscription", arguments: willQoSCases)
    func willQoS(willQoS: QoS, granted: QoS) {
        var harness = ShardHarness()
        let watcher = harness.connected("w")
        harness.subscribe(watcher, "wills/c", qos: granted)
        let client = harness.connected("c", will: will("wills/c", "gone", qos: willQoS))
        let qos = min(willQoS, granted)
        #expect(
            harness.lose(client).delivered(to: watcher) == [
                Delivered(topic: "wills/c", payload: "gone", qos: qos, packetID: qos == .atMostOnce ? nil : 1)
            ])
    }

    @Test("a persistent session's will is not published again after it reconnects without one")
    func willReplacedOnReconnect() {
        var harness = ShardHarness()
        let watcher = harness.connected("w")
        harness.subscribe(watcher, "wills/c")
        let first = harness.connected("c", cleanSession: false, will: will("wills/c", "first"))
        harness.send(.disconnect, on: first)
        let second = harness.connected("c", cleanSession: false)
        #expect(harness.lose(second).deliveries.isEmpty)
    }
}

@Suite struct KeepAliveTests {
    @Test("[MQTT-3.1.2-24] silence for exactly 1.5 x keep alive is tolerated; a nanosecond more closes")
    func exactBoundary() {
        var harness = ShardHarness()
        let (client, _) = harness.connect("c", keepAlive: 10)
        harness.advance(by: .seconds(15))
        #expect(harness.checkTimeouts().isEmpty)
        harness.advance(by: .nanoseconds(1))
        let actions = harness.checkTimeouts()
        #expect(actions.closeReason(of: client) == .keepAliveTimeout)
        #expect(harness.shard.connectionCount == 0)
        #expect(harness.checkTimeouts().isEmpty, "closed once")
    }

    @Test(
        "every packet restarts the keep alive period",
        arguments: [
            Packet.pingReq,
            .subscribe(Subscribe(packetID: 1, requests: [.init(filter: filter("t"), qos: .atMostOnce)])),
        ])
    func packetsResetTheTimer(packet: Packet) {
        var harness = ShardHarness()
        let (client, _) = harness.connect("c", keepAlive: 2)
        harness.advance(by: .seconds(2))
        harness.send(packet, on: client)
        harness.advance(by: .seconds(3))
        #expect(harness.checkTimeouts().isEmpty)
        harness.advance(by: .nanoseconds(1))
        #expect(harness.checkTimeouts().closeReason(of: client) == .keepAliveTimeout)
    }

    @Test("keep alive 0 never expires")
    func zeroNeverExpires() {
        var harness = ShardHarness()
        let (client, _) = harness.connect("c", keepAlive: 0)
        harness.advance(by: .seconds(1_000_000))
        #expect(harness.checkTimeouts().isEmpty)
        #expect(harness.send(.pingReq, on: client).packets(to: client) == [.pingResp])
    }

    @Test("a connection that never sends CONNECT closes after connect_timeout, not before")
    func connectTimeout() {
        var limits = BrokerLimits()
        limits.connectTimeout = 5
        var harness = ShardHarness(limits: limits)
        let silent = harness.open()
        harness.advance(by: .seconds(2))
        let late = harness.open()
        harness.advance(by: .seconds(3))
        #expect(harness.checkTimeouts().isEmpty)
        harness.advance(by: .nanoseconds(1))
        let actions = harness.checkTimeouts()
        #expect(actions.closes.map(\.0) == [silent])
        #expect(actions.closeReason(of: silent) == .connectTimeout)
        harness.advance(by: .seconds(2))
        #expect(harness.checkTimeouts().closeReason(of: late) == .connectTimeout)
    }

    @Test("the connect timeout no longer applies once CONNECT is accepted")
    func connectTimeoutStopsAtConnect() {
        var harness = ShardHarness()
        let (client, _) = harness.connect("c", keepAlive: 60)
        harness.advance(by: .seconds(30))
        #expect(harness.checkTimeouts().isEmpty)
        #expect(harness.send(.pingReq, on: client).closes.isEmpty)
    }

    @Test("timed-out persistent sessions stay and count as disconnected")
    func timeoutKeepsPersistentSession() {
        var harness = ShardHarness()
        let (client, _) = harness.connect("c", cleanSession: false, keepAlive: 1)
        harness.advance(by: .seconds(2))
        #expect(harness.checkTimeouts().closeReason(of: client) == .keepAliveTimeout)
        #expect(harness.shard.sessionCount == 1)
        #expect(harness.context.statistics.clientsConnected.value == 0)
        #expect(harness.context.statistics.clientsDisconnected.value == 1)
    }
}

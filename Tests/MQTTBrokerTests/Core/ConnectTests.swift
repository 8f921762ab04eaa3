// CONNECT and CONNACK (sections 3.1 and 3.2), and session takeover [MQTT-3.1.4-2].

import MQTTCodec
import Testing

@testable import MQTTBroker

@Suite struct ConnectTests {
    static let notConnect: [Packet] = [
        .publish(Publish(topic: topicName("a"), payload: ByteBuffer(string: "x"))),
        .subscribe(Subscribe(packetID: 1, requests: [.init(filter: filter("a"), qos: .atMostOnce)])),
        .unsubscribe(Unsubscribe(packetID: 1, filters: [filter("a")])),
        .pubAck(PubAck(packetID: 1)),
        .pubRel(PubRel(packetID: 1)),
        .pingReq,
        .disconnect,
    ]

    @Test("[MQTT-3.1.0-1] the first packet must be CONNECT", arguments: notConnect)
    func firstPacketMustBeConnect(packet: Packet) {
        var harness = ShardHarness()
        let id = harness.open()
        let actions = harness.send(packet, on: id)
        #expect(actions.packets(to: id).isEmpty)
        #expect(actions.closeReason(of: id) == .protocolViolation(.firstPacketNotConnect(packet.type)))
        #expect(harness.shard.connectionCount == 0)
    }

    @Test("[MQTT-3.1.0-2] a second CONNECT closes the connection")
    func secondConnectCloses() {
        var harness = ShardHarness()
        let (id, first) = harness.connect("c")
        #expect(first.connAcks(to: id) == [ConnAck(sessionPresent: false, returnCode: .accepted)])
        let second = harness.send(.connect(Connect(clientID: "c")), on: id)
        #expect(second.packets(to: id).isEmpty)
        #expect(second.closeReason(of: id) == .protocolViolation(.secondConnect))
        #expect(harness.shard.connectionCount == 0)
        #expect(harness.shard.sessionCount == 0, "the clean session ends with its connection")
    }

    @Test("[MQTT-3.2.2-1] clean session 1 answers session present 0, even over a stored session")
    func cleanSessionNeverPresent() {
        var harness = ShardHarness()
        let first = harness.connected("c", cleanSession: false)
        harness.subscribe(first, "t", qos: .atLeastOnce)
        harness.send(.disconnect, on: first)
        let (id, actions) = harness.connect("c", cleanSession: true)
        #expect(actions.connAcks(to: id) == [ConnAck(sessionPresent: false, returnCode: .accepted)])
        #expect(harness.shard.tree.count == 0, "the stored session was discarded [MQTT-3.1.2-6]")
    }

    @Test("[MQTT-3.2.2-3] clean session 0 without a stored session answers session present 0")
    func newPersistentSessionNotPresent() {
        var harness = ShardHarness()
        let (id, actions) = harness.connect("c", cleanSession: false)
        #expect(actions.connAcks(to: id) == [ConnAck(sessionPresent: false, returnCode: .accepted)])
        #expect(actions.closes.isEmpty)
    }

    @Test("[MQTT-3.2.2-2] clean session 0 resuming a stored session answers session present 1")
    func resumedSessionPresent() {
        var harness = ShardHarness()
        let first = harness.connected("c", cleanSession: false)
        harness.send(.disconnect, on: first)
        #expect(harness.shard.sessionCount == 1, "[MQTT-3.1.2-4] the session outlives the connection")
        let (id, actions) = harness.connect("c", cleanSession: false)
        #expect(actions.connAcks(to: id) == [ConnAck(sessionPresent: true, returnCode: .accepted)])
        #expect(harness.context.statistics.clientsDisconnected.value == 0)
        #expect(harness.context.statistics.clientsConnected.value == 1)
    }

    @Test("[MQTT-3.1.3-6] a zero-length client id with clean session 1 gets an assigned id")
    func zeroLengthClientIDAssigned() {
        var harness = ShardHarness(shardCount: 2)
        let (id, actions) = harness.connect("", cleanSession: true, shard: 1)
        #expect(actions.connAcks(to: id) == [ConnAck(sessionPresent: false, returnCode: .accepted)])
        let assigned = harness.shards[1].clientIDs
        #expect(assigned.count == 1)
        #expect(assigned.allSatisfy { $0.hasPrefix("auto-") && $0.count > "auto-".count })
        #expect(assigned.allSatisfy { harness.context.homeShard(of: $0) == 1 }, "the id is homed where it lives")

        let (other, _) = harness.connect("", cleanSession: true, shard: 1)
        #expect(harness.shards[1].sessionCount == 2, "each zero-length client gets its own id")
        #expect(harness.send(.disconnect, on: other).closeReason(of: other) == .clientDisconnected)
    }

    /// A CONNECT that must be refused, and the code it earns.
    struct Refusal: Sendable, CustomTestStringConvertible {
        let name: String
        var limits = BrokerLimits()
        let connect: Connect
        let code: ConnectReturnCode
        var testDescription: String { name }
    }

    static let refusals: [Refusal] = {
        var noAnonymous = BrokerLimits()
        noAnonymous.allowAnonymous = false
        var noZeroLength = BrokerLimits()
        noZeroLength.allowZeroLengthClientID = false
        return [
            Refusal(
                name: "[MQTT-3.1.3-8] zero-length id with clean session 0",
                connect: Connect(clientID: "", cleanSession: false), code: .identifierRejected),
            Refusal(
                name: "MQTT 3.1 required a client id",
                connect: Connect(protocolVersion: .v3_1, clientID: "", cleanSession: true), code: .identifierRejected),
            Refusal(
                name: "allow_zero_length_clientid false", limits: noZeroLength,
                connect: Connect(clientID: "", cleanSession: true), code: .identifierRejected),
            Refusal(
                name: "allow_anonymous false without user name", limits: noAnonymous,
                connect: Connect(clientID: "c"), code: .notAuthorized),
        ]
    }()

    @Test("[MQTT-3.2.2-4] [MQTT-3.2.2-5] a refused CONNECT gets CONNACK with the code, then close", arguments: refusals)
    func refused(_ refusal: Refusal) {
        var harness = ShardHarness(limits: refusal.limits)
        let id = harness.open()
        let actions = harness.send(.connect(refusal.connect), on: id)
        #expect(actions.connAcks(to: id) == [ConnAck(sessionPresent: false, returnCode: refusal.code)])
        #expect(actions.closeReason(of: id) == .refused(refusal.code))
        #expect(harness.shard.connectionCount == 0)
        #expect(harness.shard.sessionCount == 0)
        #expect(harness.context.statistics.clientsConnected.value == 0)
    }

    @Test("limits that are met let the client in")
    func acceptedAtTheLimits() {
        var limits = BrokerLimits()
        limits.allowAnonymous = false
        limits.maximumKeepAlive = 60
        var harness = ShardHarness(limits: limits)
        let (id, actions) = harness.connect("c", keepAlive: 60, username: "user")
        #expect(actions.connAcks(to: id) == [ConnAck(sessionPresent: false, returnCode: .accepted)])
    }

    @Test("max_keepalive does not refuse MQTT 3.1.1 clients, as in Mosquitto 2.0")
    func keepAliveAboveMaximumAccepted() {
        var limits = BrokerLimits()
        limits.maximumKeepAlive = 60
        var harness = ShardHarness(limits: limits)
        let (id, actions) = harness.connect("c", keepAlive: 61)
        #expect(actions.connAcks(to: id) == [ConnAck(sessionPresent: false, returnCode: .accepted)])
    }

    @Test("[MQTT-3.1.2-2] an unsupported protocol level before CONNECT earns CONNACK 1, then close")
    func unsupportedProtocolLevel() {
        var harness = ShardHarness()
        let id = harness.open()
        let actions = harness.decodeFailed(.unsupportedProtocolLevel(5), on: id)
        #expect(
            actions.packets(to: id) == [
                .connAck(ConnAck(sessionPresent: false, returnCode: .unacceptableProtocolVersion))
            ])
        #expect(actions.closeReason(of: id) == .malformedPacket(.unsupportedProtocolLevel(5)))
    }

    @Test("[MQTT-4.8.0-1] other malformed packets close without CONNACK")
    func malformedBeforeConnect() {
        var harness = ShardHarness()
        let id = harness.open()
        let actions = harness.decodeFailed(.invalidProtocolName("MQTX"), on: id)
        #expect(actions.packets(to: id).isEmpty)
        #expect(actions.closeReason(of: id) == .malformedPacket(.invalidProtocolName("MQTX")))
    }

    @Test("PINGREQ is answered with PINGRESP [MQTT-3.12.4-1]")
    func ping() {
        var harness = ShardHarness()
        let id = harness.connected("c")
        #expect(harness.send(.pingReq, on: id).packets(to: id) == [.pingResp])
    }

    @Test("[MQTT-4.8.0-1] a packet only servers send closes the connection")
    func serverOnlyPacket() {
        var harness = ShardHarness()
        let id = harness.connected("c")
        let actions = harness.send(.subAck(SubAck(packetID: 1, returnCodes: [.failure])), on: id)
        #expect(actions.closeReason(of: id) == .protocolViolation(.serverOnlyPacket(.subAck)))
    }
}

@Suite struct TakeoverTests {
    @Test("[MQTT-3.1.4-2] a second client with the same id takes over: the old connection closes, its will goes out")
    func takeoverClosesOldAndPublishesWill() {
        var harness = ShardHarness()
        let watcher = harness.connected("watcher")
        harness.subscribe(watcher, "wills/#")
        let old = harness.connected("c", will: will("wills/c", "gone"))
        let (new, actions) = harness.connect("c")
        #expect(actions.closeReason(of: old) == .takenOver)
        #expect(actions.closeReason(of: new) == nil)
        #expect(actions.delivered(to: watcher) == [Delivered(topic: "wills/c", payload: "gone")])
        #expect(actions.connAcks(to: new) == [ConnAck(sessionPresent: false, returnCode: .accepted)])
        #expect(harness.shard.connectionCount == 2)
        #expect(harness.context.statistics.clientsConnected.value == 2)

        // The old connection is gone: its later events are ignored.
        #expect(harness.send(.pingReq, on: old).isEmpty)
        #expect(harness.lose(old).isEmpty)
    }

    @Test("a persistent session survives takeover: subscriptions and unacknowledged messages")
    func persistentSessionSurvivesTakeover() {
        var harness = ShardHarness()
        let old = harness.connected("c", cleanSession: false)
        harness.subscribe(old, "t", qos: .atLeastOnce)
        let publisher = harness.connected("p")
        let first = harness.publish(publisher, "t", "one", qos: .atLeastOnce)
        #expect(first.delivered(to: old) == [Delivered(topic: "t", payload: "one", qos: .atLeastOnce, packetID: 1)])

        let (new, actions) = harness.connect("c", cleanSession: false)
        #expect(actions.closeReason(of: old) == .takenOver)
        #expect(actions.connAcks(to: new) == [ConnAck(sessionPresent: true, returnCode: .accepted)])
        #expect(
            actions.delivered(to: new) == [
                Delivered(topic: "t", payload: "one", qos: .atLeastOnce, packetID: 1, dup: true)
            ])
        #expect(harness.context.statistics.clientsConnected.value == 2)
        #expect(harness.context.statistics.clientsDisconnected.value == 0)

        let second = harness.publish(publisher, "t", "two", qos: .atLeastOnce)
        #expect(second.delivered(to: new) == [Delivered(topic: "t", payload: "two", qos: .atLeastOnce, packetID: 2)])
        #expect(second.delivered(to: old).isEmpty)
    }

    @Test("taking over a persistent session with clean session 1 discards it")
    func takeoverWithCleanSessionDiscards() {
        var harness = ShardHarness()
        let old = harness.connected("c", cleanSession: false)
        harness.subscribe(old, "t", qos: .atLeastOnce)
        let (new, actions) = harness.connect("c", cleanSession: true)
        #expect(actions.closeReason(of: old) == .takenOver)
        #expect(actions.connAcks(to: new) == [ConnAck(sessionPresent: false, returnCode: .accepted)])
        #expect(harness.shard.tree.count == 0)
        #expect(harness.context.statistics.clientsDisconnected.value == 0)
        let publisher = harness.connected("p")
        #expect(harness.publish(publisher, "t", "x", qos: .atLeastOnce).delivered(to: new).isEmpty)
    }

    @Test("taking over a clean session with clean session 0 starts a new, empty persistent session")
    func takeoverOfCleanSession() {
        var harness = ShardHarness()
        let old = harness.connected("c", cleanSession: true)
        harness.subscribe(old, "t")
        let (new, actions) = harness.connect("c", cleanSession: false)
        #expect(actions.closeReason(of: old) == .takenOver)
        #expect(actions.connAcks(to: new) == [ConnAck(sessionPresent: false, returnCode: .accepted)])
        #expect(harness.shard.tree.count == 0)
        harness.lose(new)
        #expect(harness.shard.sessionCount == 1, "the new session is persistent")
    }

    @Test("a refused CONNECT does not take over the connected client")
    func refusedDoesNotTakeOver() {
        var limits = BrokerLimits()
        limits.allowAnonymous = false
        var harness = ShardHarness(limits: limits)
        let old = harness.connected("c", username: "user")
        let (new, actions) = harness.connect("c")
        #expect(actions.closes.map(\.0) == [new])
        #expect(harness.send(.pingReq, on: old).packets(to: old) == [.pingResp])
    }
}

@Suite struct LifecycleTests {
    @Test("shutdown closes every connection, publishes wills and keeps persistent sessions")
    func shutdown() {
        var harness = ShardHarness()
        let watcher = harness.connected("w", cleanSession: false)
        harness.subscribe(watcher, "wills/#", qos: .atLeastOnce)
        let client = harness.connected("c", will: will("wills/c", "gone", qos: .atLeastOnce))
        let pending = harness.open()
        var actions: [BrokerAction] = []
        harness.shards[0].shutdown(actions: &actions)
        #expect(Set(actions.closes.map(\.0)) == [watcher, client, pending])
        #expect(actions.closes.allSatisfy { $0.1 == .serverShutdown })
        #expect(harness.shard.connectionCount == 0)
        #expect(harness.shard.sessionCount == 1, "the persistent session stays; it may hold the will now")
        let (again, resumed) = harness.connect("w", cleanSession: false)
        #expect(resumed.connAcks(to: again) == [ConnAck(sessionPresent: true, returnCode: .accepted)])
        #expect(resumed.delivered(to: again).map(\.payload) == ["gone"], "queued or resent, the will arrives")
    }

    @Test("a connection handed off to another shard is forgotten without a trace")
    func handedOff() {
        var harness = ShardHarness(shardCount: 2)
        let id = harness.open(shard: 0)
        harness.shards[0].connectionHandedOff(id)
        #expect(harness.shard.connectionCount == 0)
        #expect(harness.send(.connect(Connect(clientID: "c")), on: id).isEmpty)
        harness.advance(by: .seconds(60))
        #expect(harness.checkTimeouts().isEmpty)
    }

    @Test("statistics follow connections and persistent sessions")
    func statistics() {
        var harness = ShardHarness()
        let statistics = harness.context.statistics
        let clean = harness.connected("clean")
        let persistent = harness.connected("persistent", cleanSession: false)
        #expect(statistics.clientsConnected.value == 2)
        #expect(statistics.clientsMaximum.value == 2)
        harness.send(.disconnect, on: clean)
        harness.lose(persistent)
        #expect(statistics.clientsConnected.value == 0)
        #expect(statistics.clientsDisconnected.value == 1)
        #expect(statistics.clientsMaximum.value == 2)
        _ = harness.connected("persistent", cleanSession: false)
        #expect(statistics.clientsConnected.value == 1)
        #expect(statistics.clientsDisconnected.value == 0)
    }
}

@Suite struct ClientIDComparisonTests {
    @Test("client ids compare byte for byte: composed and decomposed 'é' are two sessions, not a takeover")
    func clientIDsCompareBytes() {
        var harness = ShardHarness()
        let composed = harness.connected("caf\u{E9}")
        let (decomposed, actions) = harness.connect("cafe\u{301}")
        #expect(actions.closeReason(of: composed) == nil)
        #expect(actions.connAcks(to: decomposed) == [ConnAck(sessionPresent: false, returnCode: .accepted)])
        #expect(harness.shard.sessionCount == 2)
    }
}

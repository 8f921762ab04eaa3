// `$share/<group>/<filter>` round-robin, and routing between shards.

import MQTTCodec
import Testing

@testable import MQTTBroker

@Suite struct SharedSubscriptionTests {
    @Test("a shared group takes turns: two members, four messages, alternating")
    func roundRobin() {
        var harness = ShardHarness()
        let first = harness.connected("a")
        let second = harness.connected("b")
        #expect(
            harness.subscribe(first, "$share/g/t", qos: .atLeastOnce).subAckCodes(to: first) == [.granted(.atLeastOnce)]
        )
        harness.subscribe(second, "$share/g/t", qos: .atLeastOnce)
        let publisher = harness.connected("p")
        var receivers: [ConnectionID] = []
        for index in 1...4 {
            let actions = harness.publish(publisher, "t", "m\(index)", qos: .atLeastOnce)
            receivers += actions.deliveries.map(\.0)
        }
        #expect(receivers == [first, second, first, second])
        #expect(harness.context.sharedSubscriptions.count == 2)
    }

    @Test("shared subscriptions deliver at the member's granted QoS and never with RETAIN")
    func sharedQoSAndRetain() {
        var harness = ShardHarness()
        let member = harness.connected("a")
        harness.subscribe(member, "$share/g/t/#", qos: .atLeastOnce)
        let publisher = harness.connected("p")
        let actions = harness.publishReleased(publisher, "t/x", "m", qos: .exactlyOnce, retain: true)
        #expect(
            actions.delivered(to: member) == [Delivered(topic: "t/x", payload: "m", qos: .atLeastOnce, packetID: 1)])
        #expect(
            harness.subscribe(member, "$share/h/t/#").delivered(to: member).isEmpty,
            "retained messages go to ordinary subscriptions only")
    }

    @Test("each group gets one copy, and ordinary subscribers still get theirs")
    func groupsAndOrdinarySubscribers() {
        var harness = ShardHarness()
        let a = harness.connected("a")
        let b = harness.connected("b")
        let c = harness.connected("c")
        let ordinary = harness.connected("o")
        harness.subscribe(a, "$share/one/t")
        harness.subscribe(b, "$share/one/t")
        harness.subscribe(c, "$share/two/+")
        harness.subscribe(ordinary, "t")
        let publisher = harness.connected("p")
        var counts: [ConnectionID: Int] = [:]
        for index in 1...4 {
            let actions = harness.publish(publisher, "t", "m\(index)")
            #expect(actions.deliveries.count == 3, "one per group plus the ordinary subscriber")
            for (id, _) in actions.deliveries { counts[id, default: 0] += 1 }
        }
        #expect(counts == [a: 2, b: 2, c: 4, ordinary: 4])
    }

    static let malformed = ["$share//t", "$share/g", "$share/+/t", "$share/#", "$share/g/"]

    @Test(
        "[MQTT-3.9.3-2] a malformed share filter is refused with SUBACK 0x80; the other requests still count",
        arguments: malformed)
    func malformedShareFilter(_ string: String) {
        var harness = ShardHarness()
        let client = harness.connected("c")
        let actions = harness.subscribe(
            client, [("x", .atLeastOnce), (string, .atLeastOnce), ("$share/g/y", .exactlyOnce)])
        #expect(
            actions.packets(to: client) == [
                .subAck(SubAck(packetID: 1, returnCodes: [.granted(.atLeastOnce), .failure, .granted(.exactlyOnce)]))
            ])
        #expect(actions.closes.isEmpty)
        #expect(harness.shard.sessions[0]!.subscriptions.count == 2)
        #expect(harness.context.sharedSubscriptions.count == 1)
    }

    @Test("leaving a group, by UNSUBSCRIBE or with the session, keeps the rotation for the rest")
    func leavingTheGroup() {
        var harness = ShardHarness()
        let a = harness.connected("a")
        let b = harness.connected("b")
        let c = harness.connected("c")
        for id in [a, b, c] { harness.subscribe(id, "$share/g/t") }
        let publisher = harness.connected("p")
        #expect(harness.publish(publisher, "t", "1").deliveries.map(\.0) == [a])
        let unsubscribed = harness.send(.unsubscribe(Unsubscribe(packetID: 2, filters: [filter("$share/g/t")])), on: a)
        #expect(unsubscribed.packets(to: a) == [.unsubAck(UnsubAck(packetID: 2))])
        #expect(harness.publish(publisher, "t", "2").deliveries.map(\.0) == [b])
        harness.send(.disconnect, on: c)
        #expect(harness.context.sharedSubscriptions.count == 1)
        #expect(harness.publish(publisher, "t", "3").deliveries.map(\.0) == [b])
        harness.send(.disconnect, on: b)
        #expect(harness.context.sharedSubscriptions.count == 0)
        #expect(harness.publish(publisher, "t", "4").deliveries.isEmpty)
    }

    @Test("subscribing twice to the same share updates the QoS and keeps one membership")
    func resubscribeShared() {
        var harness = ShardHarness()
        let a = harness.connected("a")
        harness.subscribe(a, "$share/g/t")
        harness.subscribe(a, "$share/g/t", qos: .exactlyOnce)
        #expect(harness.context.sharedSubscriptions.count == 1)
        let publisher = harness.connected("p")
        #expect(harness.publish(publisher, "t", "m", qos: .atLeastOnce).delivered(to: a).map(\.qos) == [.atLeastOnce])
    }
}

@Suite struct ShardRoutingTests {
    /// A client id whose sessions live on `shard` of `context`.
    static func clientID(homedOn shard: Int, in context: BrokerContext, prefix: String = "client") -> String {
        var counter = 0
        while context.homeShard(of: "\(prefix)-\(counter)") != shard { counter += 1 }
        return "\(prefix)-\(counter)"
    }

    @Test("a publish on shard 0 with subscribers only on shard 1 is forwarded there, and delivered by it")
    func forwardToOtherShard() {
        var harness = ShardHarness(shardCount: 2)
        let subscriberID = Self.clientID(homedOn: 1, in: harness.context, prefix: "sub")
        let subscriber = harness.connected(subscriberID, shard: 1)
        harness.subscribe(subscriber, "t/+", qos: .atLeastOnce)
        let publisher = harness.connected(Self.clientID(homedOn: 0, in: harness.context, prefix: "pub"), shard: 0)

        let actions = harness.publish(publisher, "t/x", "m", qos: .atLeastOnce)
        #expect(actions.deliveries.isEmpty)
        #expect(actions.forwards.map(\.1) == [1])
        #expect(actions.forwards.first.map { $0.0.topic.string } == "t/x")
        let delivered = harness.performForwards(actions)
        #expect(
            delivered.delivered(to: subscriber) == [
                Delivered(topic: "t/x", payload: "m", qos: .atLeastOnce, packetID: 1)
            ])
    }

    @Test("no forward to a shard without subscriptions, nor to the publishing shard itself")
    func noNeedlessForward() {
        var harness = ShardHarness(shardCount: 2)
        let local = harness.connected(Self.clientID(homedOn: 0, in: harness.context), shard: 0)
        harness.subscribe(local, "t")
        #expect(harness.publish(local, "t", "m").forwards.isEmpty)

        let remote = harness.connected(Self.clientID(homedOn: 1, in: harness.context), shard: 1)
        harness.subscribe(remote, "other")
        let both = harness.publish(local, "t", "m")
        #expect(both.delivered(to: local).count == 1)
        #expect(
            both.forwards.map(\.1) == [1], "the index is per shard, not per filter: shard 1 matches and finds nothing")
        #expect(harness.performForwards(both).deliveries.isEmpty)

        harness.send(.unsubscribe(Unsubscribe(packetID: 3, filters: [filter("other")])), on: remote)
        #expect(harness.publish(local, "t", "m").forwards.isEmpty)
    }

    @Test("a shared member on another shard is reached with forwardShared")
    func sharedAcrossShards() {
        var harness = ShardHarness(shardCount: 2)
        let memberID = Self.clientID(homedOn: 1, in: harness.context, prefix: "member")
        let member = harness.connected(memberID, shard: 1)
        harness.subscribe(member, "$share/g/t", qos: .atLeastOnce)
        let publisher = harness.connected(Self.clientID(homedOn: 0, in: harness.context), shard: 0)
        let actions = harness.publish(publisher, "t", "m", qos: .atLeastOnce)
        #expect(actions.forwards.isEmpty, "shared subscriptions do not count as ordinary subscribers")
        #expect(actions.sharedForwards.map { [$0.1.shard: $0.1.clientID] } == [[1: memberID]])
        #expect(
            harness.performForwards(actions).delivered(to: member) == [
                Delivered(topic: "t", payload: "m", qos: .atLeastOnce, packetID: 1)
            ])
    }

    @Test("a will published on one shard reaches subscribers on another")
    func willAcrossShards() {
        var harness = ShardHarness(shardCount: 2)
        let watcher = harness.connected(Self.clientID(homedOn: 1, in: harness.context), shard: 1)
        harness.subscribe(watcher, "wills/#")
        let client = harness.connected(
            Self.clientID(homedOn: 0, in: harness.context), will: will("wills/x", "gone"), shard: 0)
        let actions = harness.lose(client)
        #expect(harness.performForwards(actions).delivered(to: watcher).map(\.payload) == ["gone"])
    }

    @Test("homeShard(of:) is stable, in range, and spreads ids over the shards", arguments: [1, 2, 3, 8])
    func homeShardStable(shardCount: Int) {
        let context = BrokerContext(limits: BrokerLimits(), shardCount: shardCount)
        let other = BrokerContext(limits: BrokerLimits(), shardCount: shardCount)
        var used = Set<Int>()
        for index in 0..<200 {
            let id = "client-\(index)"
            let shard = context.homeShard(of: id)
            #expect((0..<shardCount).contains(shard))
            #expect(context.homeShard(of: id) == shard)
            #expect(other.homeShard(of: id) == shard, "a fixed hash, not Swift's per-process seeded one")
            used.insert(shard)
        }
        #expect(used.count == shardCount)
    }

    @Test("homeShard(of:) is FNV-1a of the UTF-8 bytes, modulo the shard count")
    func homeShardKnownValues() {
        // FNV-1a 64 of "" is the offset basis 0xcbf29ce484222325; of "a" it is 0xaf63dc4c8601ec8c.
        let context = BrokerContext(limits: BrokerLimits(), shardCount: 7)
        #expect(context.homeShard(of: "") == Int(0xcbf2_9ce4_8422_2325 % UInt64(7)))
        #expect(context.homeShard(of: "a") == Int(0xaf63_dc4c_8601_ec8c % UInt64(7)))
    }
}

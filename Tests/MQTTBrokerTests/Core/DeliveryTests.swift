// From PUBLISH to subscribers: granted QoS, overlapping subscriptions, `$` topics, retained messages.

import MQTTCodec
import Testing

@testable import MQTTBroker

@Suite struct DeliveryTests {
    static let qosPairs: [(QoS, QoS)] = QoS.allCases.flatMap { published in QoS.allCases.map { (published, $0) } }

    @Test("[MQTT-3.8.4-6] a message is delivered at the lower of its QoS and the granted QoS", arguments: qosPairs)
    func qosDowngrade(published: QoS, granted: QoS) {
        var harness = ShardHarness()
        let subscriber = harness.connected("s")
        let subscribed = harness.subscribe(subscriber, "t", qos: granted)
        #expect(subscribed.subAckCodes(to: subscriber) == [.granted(granted)], "granted as requested")
        let publisher = harness.connected("p")
        let actions = harness.publishReleased(publisher, "t", "m", qos: published)
        let expected = min(published, granted)
        #expect(
            actions.delivered(to: subscriber) == [
                Delivered(topic: "t", payload: "m", qos: expected, packetID: expected == .atMostOnce ? nil : 1)
            ])
    }

    @Test("overlapping subscriptions deliver one copy, at the highest granted QoS")
    func overlappingSubscriptions() {
        var harness = ShardHarness()
        let subscriber = harness.connected("s")
        harness.subscribe(
            subscriber, [("a/#", .atMostOnce), ("a/+", .exactlyOnce), ("a/b", .atLeastOnce), ("#", .atMostOnce)])
        let other = harness.connected("o")
        harness.subscribe(other, [("+/b", .atLeastOnce), ("a/b", .atMostOnce)])
        let publisher = harness.connected("p")
        let actions = harness.publishReleased(publisher, "a/b", "m", qos: .exactlyOnce)
        #expect(
            actions.delivered(to: subscriber) == [Delivered(topic: "a/b", payload: "m", qos: .exactlyOnce, packetID: 1)]
        )
        #expect(actions.delivered(to: other) == [Delivered(topic: "a/b", payload: "m", qos: .atLeastOnce, packetID: 1)])
        #expect(actions.deliveries.count == 2)
    }

    @Test("a publisher subscribed to its own topic receives its message")
    func publisherReceivesOwnMessage() {
        var harness = ShardHarness()
        let client = harness.connected("c")
        harness.subscribe(client, "t")
        #expect(harness.publish(client, "t", "m").delivered(to: client) == [Delivered(topic: "t", payload: "m")])
    }

    @Test("[MQTT-4.7.2-1] `$` topics are not matched by filters starting with a wildcard")
    func dollarTopics() {
        var harness = ShardHarness()
        let everything = harness.connected("everything")
        harness.subscribe(everything, [("#", .atMostOnce), ("+/broker", .atMostOnce), ("+/+", .atMostOnce)])
        let system = harness.connected("system")
        // Any topic starting with '$' follows the rule; clients may not write `$SYS` itself.
        harness.subscribe(system, [("$app/#", .atMostOnce), ("$app/+", .atMostOnce)])
        let publisher = harness.connected("p")
        let dollar = harness.publish(publisher, "$app/broker", "m")
        #expect(dollar.delivered(to: everything).isEmpty)
        #expect(dollar.delivered(to: system) == [Delivered(topic: "$app/broker", payload: "m")])
        let plain = harness.publish(publisher, "SYS/broker", "m")
        #expect(plain.delivered(to: everything).count == 1)
        #expect(plain.delivered(to: system).isEmpty)
    }

    @Test("unmatched topics are delivered to nobody")
    func noMatch() {
        var harness = ShardHarness()
        let subscriber = harness.connected("s")
        harness.subscribe(subscriber, [("a/+", .atLeastOnce), ("a/b/c", .atLeastOnce)])
        let publisher = harness.connected("p")
        for topic in ["a", "a/b/c/d", "b/a", "/a/b", "a/b/"] {
            #expect(harness.publish(publisher, topic, "m", qos: .atLeastOnce).deliveries.isEmpty, "\(topic)")
        }
    }
}

@Suite struct RetainedTests {
    @Test("[MQTT-3.3.1-5] a retained message is stored and sent with RETAIN 1 to new subscribers [MQTT-3.3.1-8]")
    func storedAndSentOnSubscribe() {
        var harness = ShardHarness()
        let publisher = harness.connected("p")
        harness.publish(publisher, "a/b", "m", qos: .atLeastOnce, retain: true)
        #expect(harness.context.retained.count == 1)
        let subscriber = harness.connected("s")
        let actions = harness.subscribe(subscriber, "a/b", qos: .exactlyOnce)
        let packets = actions.packets(to: subscriber)
        #expect(packets.count == 2)
        #expect(packets.first == .subAck(SubAck(packetID: 1, returnCodes: [.granted(.exactlyOnce)])), "SUBACK first")
        #expect(
            actions.delivered(to: subscriber) == [
                Delivered(topic: "a/b", payload: "m", qos: .atLeastOnce, packetID: 1, retain: true)
            ])
    }

    @Test("[MQTT-3.3.1-9] a retained PUBLISH reaches existing subscribers with RETAIN 0")
    func forwardedWithoutRetain() {
        var harness = ShardHarness()
        let subscriber = harness.connected("s")
        harness.subscribe(subscriber, "t")
        let publisher = harness.connected("p")
        let actions = harness.publish(publisher, "t", "m", retain: true)
        #expect(actions.delivered(to: subscriber) == [Delivered(topic: "t", payload: "m", retain: false)])
    }

    @Test("wildcard subscriptions receive every matching retained message, in topic order")
    func wildcardSubscription() {
        var harness = ShardHarness()
        let publisher = harness.connected("p")
        for topic in ["a/c", "a/b", "a/b/c", "b/a", "$app/a"] { harness.publish(publisher, topic, topic, retain: true) }
        let subscriber = harness.connected("s")
        #expect(
            harness.subscribe(subscriber, "a/+").delivered(to: subscriber) == [
                Delivered(topic: "a/b", payload: "a/b", retain: true),
                Delivered(topic: "a/c", payload: "a/c", retain: true),
            ])
        #expect(
            harness.subscribe(subscriber, "#").delivered(to: subscriber).map(\.topic) == ["a/b", "a/b/c", "a/c", "b/a"])
        #expect(harness.subscribe(subscriber, "$app/#").delivered(to: subscriber).map(\.topic) == ["$app/a"])
    }

    @Test("[MQTT-3.3.1-10] a new retained message replaces the stored one")
    func replaced() {
        var harness = ShardHarness()
        let publisher = harness.connected("p")
        harness.publish(publisher, "t", "old", retain: true)
        harness.publish(publisher, "t", "new", retain: true)
        harness.publish(publisher, "t", "not retained")
        #expect(harness.context.retained.count == 1)
        let subscriber = harness.connected("s")
        #expect(
            harness.subscribe(subscriber, "t").delivered(to: subscriber) == [
                Delivered(topic: "t", payload: "new", retain: true)
            ])
    }

    @Test("[MQTT-3.3.1-10] [MQTT-3.3.1-11] an empty retained payload clears the topic and is forwarded as usual")
    func clearedByEmptyPayload() {
        var harness = ShardHarness()
        let publisher = harness.connected("p")
        harness.publish(publisher, "t", "m", retain: true)
        let listener = harness.connected("l")
        harness.subscribe(listener, "t")
        let clear = harness.publish(publisher, "t", "", retain: true)
        #expect(clear.delivered(to: listener) == [Delivered(topic: "t", payload: "")])
        #expect(harness.context.retained.count == 0)
        let subscriber = harness.connected("s")
        #expect(harness.subscribe(subscriber, "t").delivered(to: subscriber).isEmpty)
    }

    @Test("[MQTT-3.8.4-3] subscribing again to an identical filter replaces its QoS and resends retained messages")
    func resubscribeReplaces() {
        var harness = ShardHarness()
        let publisher = harness.connected("p")
        harness.publish(publisher, "t", "r", qos: .exactlyOnce, retain: true)
        harness.send(.pubRel(PubRel(packetID: 1)), on: publisher)
        let subscriber = harness.connected("s")
        #expect(
            harness.subscribe(subscriber, "t").delivered(to: subscriber) == [
                Delivered(topic: "t", payload: "r", retain: true)
            ])
        let again = harness.subscribe(subscriber, "t", qos: .atLeastOnce)
        #expect(again.subAckCodes(to: subscriber) == [.granted(.atLeastOnce)])
        #expect(
            again.delivered(to: subscriber) == [
                Delivered(topic: "t", payload: "r", qos: .atLeastOnce, packetID: 1, retain: true)
            ])
        #expect(harness.shard.tree.count == 1)
        #expect(harness.context.statistics.subscriptions.value == 1)
        let live = harness.publishReleased(publisher, "t", "live", qos: .exactlyOnce, packetID: 2)
        #expect(
            live.delivered(to: subscriber) == [Delivered(topic: "t", payload: "live", qos: .atLeastOnce, packetID: 2)])
    }
}

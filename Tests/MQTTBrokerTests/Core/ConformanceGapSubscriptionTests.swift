// SUBSCRIBE and UNSUBSCRIBE statements of docs/conformance.md Part 3 that no other test checked on
// its own: several filters in one packet, re-subscribing, and what an UNSUBSCRIBE leaves in flight.

import MQTTCodec
import Testing

@testable import MQTTBroker

@Suite struct ConformanceGapSubscriptionTests {
    /// A subscriber "s", a publisher "p", and retained messages on r/1 (QoS 1) and r/2 (QoS 0).
    static func withRetained() -> (harness: ShardHarness, subscriber: ConnectionID, publisher: ConnectionID) {
        var harness = ShardHarness()
        let subscriber = harness.connected("s")
        let publisher = harness.connected("p")
        harness.publish(publisher, "r/1", "one", qos: .atLeastOnce, retain: true)
        harness.publish(publisher, "r/2", "two", retain: true)
        return (harness, subscriber, publisher)
    }

    static let requests: [(String, QoS)] = [
        ("r/2", .atMostOnce), ("r/+", .exactlyOnce), ("x", .atLeastOnce), ("$share/g", .atLeastOnce),
        ("r/1", .atLeastOnce), ("d", .exactlyOnce), ("d", .atMostOnce),
    ]
    static let codes: [SubAckReturnCode] = [
        .granted(.atMostOnce), .granted(.exactlyOnce), .granted(.atLeastOnce), .failure,
        .granted(.atLeastOnce), .granted(.exactlyOnce), .granted(.atMostOnce),
    ]

    @Test(
        "[MQTT-3.8.4-4] [MQTT-3.8.4-5] [MQTT-3.9.3-1] [MQTT-3.8.4-2] filters act as consecutive SUBSCRIBEs; one SUBACK"
    )
    func multiFilterSubscribe() {
        var together = Self.withRetained()
        let actions = together.harness.subscribe(together.subscriber, Self.requests, packetID: 0xBEEF)
        let packets = actions.packets(to: together.subscriber)
        #expect(packets.first == .subAck(SubAck(packetID: 0xBEEF, returnCodes: Self.codes)))
        #expect(
            packets.dropFirst().allSatisfy { if case .publish = $0 { true } else { false } },
            "one SUBACK, then the retained messages")

        var oneByOne = Self.withRetained()
        var consecutive: [Delivered] = []
        for (index, request) in Self.requests.enumerated() {
            let single = oneByOne.harness.subscribe(
                oneByOne.subscriber, [request], packetID: PacketID(rawValue: UInt16(index + 1))!)
            #expect(single.subAckCodes(to: oneByOne.subscriber) == [Self.codes[index]])
            consecutive += single.delivered(to: oneByOne.subscriber)
        }
        #expect(actions.delivered(to: together.subscriber) == consecutive)
        #expect(
            consecutive == [
                Delivered(topic: "r/2", payload: "two", retain: true),
                Delivered(topic: "r/1", payload: "one", qos: .atLeastOnce, packetID: 1, retain: true),
                Delivered(topic: "r/2", payload: "two", retain: true),
                Delivered(topic: "r/1", payload: "one", qos: .atLeastOnce, packetID: 2, retain: true),
            ])

        for topic in ["r/1", "x", "d"] {
            let live = together.harness.publishReleased(together.publisher, topic, "live", qos: .exactlyOnce)
            let reference = oneByOne.harness.publishReleased(oneByOne.publisher, topic, "live", qos: .exactlyOnce)
            #expect(live.delivered(to: together.subscriber) == reference.delivered(to: oneByOne.subscriber), "\(topic)")
            if topic == "d" {
                #expect(live.delivered(to: together.subscriber).map(\.qos) == [.atMostOnce], "the later request wins")
            }
        }
    }

    @Test(
        "[MQTT-3.10.4-6] several filters in one UNSUBSCRIBE act as consecutive UNSUBSCRIBEs, answered by one UNSUBACK")
    func multiFilterUnsubscribe() {
        let subscribed = ["a", "b/+", "c/#", "d", "$share/g/e"]
        let unsubscribed = ["a", "c/#", "never", "a", "$share/g/e"]
        var together = ShardHarness()
        var oneByOne = ShardHarness()
        let client = together.connected("s")
        together.subscribe(client, subscribed.map { ($0, QoS.atLeastOnce) })
        let actions = together.send(
            .unsubscribe(Unsubscribe(packetID: 0x0102, filters: unsubscribed.map(filter))), on: client)
        #expect(actions.packets(to: client) == [.unsubAck(UnsubAck(packetID: 0x0102))])

        let reference = oneByOne.connected("s")
        oneByOne.subscribe(reference, subscribed.map { ($0, QoS.atLeastOnce) })
        for (index, string) in unsubscribed.enumerated() {
            let packetID = PacketID(rawValue: UInt16(index + 2))!
            let single = oneByOne.send(
                .unsubscribe(Unsubscribe(packetID: packetID, filters: [filter(string)])), on: reference)
            #expect(single.packets(to: reference) == [.unsubAck(UnsubAck(packetID: packetID))])
        }

        let remaining = together.shard.sessions[0]!.subscriptions.keys.sorted()
        #expect(remaining == ["b/+", "d"])
        #expect(remaining == oneByOne.shard.sessions[0]!.subscriptions.keys.sorted())
        #expect(together.shard.tree.count == oneByOne.shard.tree.count)
        #expect(together.context.sharedSubscriptions.count == 0)
        let publisher = together.connected("p")
        var delivered: [String] = []
        for topic in ["a", "b/x", "c/y", "d", "e"] {
            delivered += together.publish(publisher, topic, "m").delivered(to: client).map(\.topic)
        }
        #expect(delivered == ["b/x", "d"])
    }

    @Test("[MQTT-3.10.4-3] [MQTT-3.10.4-2] after UNSUBSCRIBE, deliveries already started complete; no new ones start")
    func unsubscribeFinishesStartedDeliveries() {
        var harness = ShardHarness()
        let subscriber = harness.connected("s", cleanSession: false)
        harness.subscribe(subscriber, "t", qos: .exactlyOnce)
        let publisher = harness.connected("p")
        let started =
            harness.publishReleased(publisher, "t", "one", qos: .atLeastOnce, packetID: 1)
            + harness.publishReleased(publisher, "t", "two", qos: .exactlyOnce, packetID: 2)
        #expect(started.delivered(to: subscriber).map(\.packetID) == [1, 2])
        let unsubscribed = harness.send(.unsubscribe(Unsubscribe(packetID: 3, filters: [filter("t")])), on: subscriber)
        #expect(unsubscribed.packets(to: subscriber) == [.unsubAck(UnsubAck(packetID: 3))])
        #expect(harness.publishReleased(publisher, "t", "three", qos: .atLeastOnce, packetID: 3).deliveries.isEmpty)

        harness.lose(subscriber)
        let (again, resumed) = harness.connect("s", cleanSession: false)
        #expect(
            resumed.delivered(to: again) == [
                Delivered(topic: "t", payload: "one", qos: .atLeastOnce, packetID: 1, dup: true),
                Delivered(topic: "t", payload: "two", qos: .exactlyOnce, packetID: 2, dup: true),
            ], "still owed after the reconnect")
        #expect(harness.send(.pubAck(PubAck(packetID: 1)), on: again).closes.isEmpty)
        #expect(
            harness.send(.pubRec(PubRec(packetID: 2)), on: again).packets(to: again) == [.pubRel(PubRel(packetID: 2))])
        #expect(harness.send(.pubComp(PubComp(packetID: 2)), on: again).closes.isEmpty)
        #expect(harness.shard.session(of: "s")!.outbound.inFlight.isEmpty)
    }

    @Test(
        "[MQTT-3.8.4-3] re-subscribing does not interrupt the flow: nothing in flight or queued is lost or repeated"
    )
    func resubscribeDoesNotInterruptTheFlow() {
        var limits = BrokerLimits()
        limits.maximumInFlightMessages = 1
        var harness = ShardHarness(limits: limits)
        let subscriber = harness.connected("s")
        harness.subscribe(subscriber, "t", qos: .atLeastOnce)
        let publisher = harness.connected("p")
        var received = harness.publishReleased(publisher, "t", "m1", qos: .atLeastOnce).delivered(to: subscriber)
        received += harness.publishReleased(publisher, "t", "m2", qos: .exactlyOnce, packetID: 2).delivered(
            to: subscriber)

        let again = harness.subscribe(subscriber, [("t", .exactlyOnce)], packetID: 7)
        #expect(again.packets(to: subscriber) == [.subAck(SubAck(packetID: 7, returnCodes: [.granted(.exactlyOnce)]))])
        received += harness.send(.pubAck(PubAck(packetID: 1)), on: subscriber).delivered(to: subscriber)
        received += harness.publishReleased(publisher, "t", "m3", qos: .exactlyOnce, packetID: 3).delivered(
            to: subscriber)
        received += harness.send(.pubAck(PubAck(packetID: 2)), on: subscriber).delivered(to: subscriber)
        #expect(
            received == [
                Delivered(topic: "t", payload: "m1", qos: .atLeastOnce, packetID: 1),
                Delivered(topic: "t", payload: "m2", qos: .atLeastOnce, packetID: 2),
                Delivered(topic: "t", payload: "m3", qos: .exactlyOnce, packetID: 3),
            ])
    }
}

// The mosquitto.conf limits and policies beyond the defaults: upgrade_outgoing_qos,
// max_queued_bytes, persistent_client_expiration, max_packet_size.

import MQTTCodec
import Testing

@testable import MQTTBroker

@Suite struct ConfiguredLimitsTests {
    @Test("upgrade_outgoing_qos delivers at the granted QoS even when the message's is lower")
    func upgradeOutgoingQoS() {
        var limits = BrokerLimits()
        limits.upgradeOutgoingQoS = true
        var harness = ShardHarness(limits: limits)
        let subscriber = harness.connected("s")
        harness.subscribe(subscriber, "t", qos: .atLeastOnce)
        let publisher = harness.connected("p")
        let actions = harness.publish(publisher, "t", "m", qos: .atMostOnce)
        #expect(actions.delivered(to: subscriber) == [Delivered(topic: "t", payload: "m", qos: .atLeastOnce, packetID: 1)])
    }

    @Test("max_queued_bytes bounds an offline queue by payload bytes; the overflow is dropped and counted")
    func queuedBytes() {
        var limits = BrokerLimits()
        limits.maximumQueuedBytes = 10
        var harness = ShardHarness(limits: limits)
        let subscriber = harness.connected("s", cleanSession: false)
        harness.subscribe(subscriber, "t", qos: .atLeastOnce)
        harness.lose(subscriber)
        let publisher = harness.connected("p")
        for payload in ["aaaa", "bbbb", "cccc", "dd"] { harness.publish(publisher, "t", payload, qos: .atLeastOnce) }
        #expect(harness.context.statistics.publishDropped.value == 1, "cccc would make 12 bytes")
        let (again, actions) = harness.connect("s", cleanSession: false)
        #expect(actions.delivered(to: again).map(\.payload) == ["aaaa", "bbbb", "dd"])
    }

    @Test("persistent_client_expiration removes sessions of clients away longer, and only those")
    func sessionExpiration() {
        var limits = BrokerLimits()
        limits.persistentSessionExpiration = 60
        var harness = ShardHarness(limits: limits)
        let away = harness.connected("away", cleanSession: false)
        let present = harness.connected("present", cleanSession: false)
        harness.lose(away)
        harness.advance(by: .seconds(60))
        _ = harness.checkTimeouts()
        #expect(harness.shard.sessionCount == 2, "exactly 60 s is not longer than 60 s")
        harness.advance(by: .seconds(1))
        _ = harness.checkTimeouts()
        #expect(harness.shard.sessionCount == 1)
        #expect(harness.context.statistics.clientsDisconnected.value == 0)
        let (back, actions) = harness.connect("away", cleanSession: false)
        #expect(actions.connAcks(to: back) == [ConnAck(sessionPresent: false, returnCode: .accepted)])
        #expect(actions.closeReason(of: present) == nil)
    }

    @Test("max_packet_size becomes the largest remaining length whose packet fits", arguments: [
        (nil, 268_435_455), (20, 18), (129, 127), (130, 127), (131, 128), (16_387, 16_383), (16_388, 16_384),
    ] as [(Int?, Int)])
    func maximumRemainingLength(packetSize: Int?, remaining: Int) {
        var limits = BrokerLimits()
        limits.maximumPacketSize = packetSize
        #expect(limits.maximumRemainingLength == remaining)
    }
}

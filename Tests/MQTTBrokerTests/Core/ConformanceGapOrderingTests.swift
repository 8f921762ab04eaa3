// Message ordering (section 4.6) through the in-flight window and the queue. The order of the
// broker's acknowledgements and of its resends on the wire is checked in
// Tests/BrokerWireTests/ConformanceGapWireTests.swift, where a whole burst is handled in one pass.

import MQTTCodec
import Testing

@testable import MQTTBroker

@Suite struct ConformanceGapOrderingTests {
    @Test(
        "[MQTT-4.6.0-6] one publisher's messages arrive in order through a small window, however they are acknowledged",
        arguments: [QoS.atLeastOnce, .exactlyOnce])
    func orderSurvivesTheWindow(_ qos: QoS) {
        var limits = BrokerLimits()
        limits.maximumInFlightMessages = 3
        var harness = ShardHarness(limits: limits)
        let subscriber = harness.connected("s")
        harness.subscribe(subscriber, "t", qos: .exactlyOnce)
        let publisher = harness.connected("p")
        var received: [Delivered] = []
        for index in 1...12 {
            let packetID = PacketID(rawValue: UInt16(index))!
            received += harness.publishReleased(publisher, "t", "m\(index)", qos: qos, packetID: packetID)
                .delivered(to: subscriber)
        }
        #expect(received.count == 3, "the window is full, the rest waits")
        var unacknowledged = received.compactMap(\.packetID)
        while let newest = unacknowledged.popLast() {
            let released = harness.acknowledge(PacketID(rawValue: newest)!, qos: qos, on: subscriber)
            received += released
            unacknowledged += released.compactMap(\.packetID)
        }
        #expect(received.map(\.payload) == (1...12).map { "m\($0)" })
        #expect(received.allSatisfy { $0.qos == qos })
    }

    @Test("[MQTT-4.6.0-6] QoS 0 messages queued for an offline session are not overtaken by later QoS 0 messages")
    func queuedQoS0IsNotOvertaken() {
        var limits = BrokerLimits()
        limits.queueQoS0Messages = true
        limits.maximumInFlightMessages = 1
        var harness = ShardHarness(limits: limits)
        let first = harness.connected("s", cleanSession: false)
        harness.subscribe(first, "t", qos: .atLeastOnce)
        harness.lose(first)
        let publisher = harness.connected("p")
        harness.publish(publisher, "t", "q1-a", qos: .atLeastOnce, packetID: 1)
        harness.publish(publisher, "t", "q1-b", qos: .atLeastOnce, packetID: 2)
        harness.publish(publisher, "t", "q0-c")

        let (again, resumed) = harness.connect("s", cleanSession: false)
        var received = resumed.delivered(to: again)
        received += harness.publish(publisher, "t", "q0-d").delivered(to: again)
        var unacknowledged = received.compactMap(\.packetID)
        while let oldest = unacknowledged.first {
            unacknowledged.removeFirst()
            let released = harness.acknowledge(PacketID(rawValue: oldest)!, qos: .atLeastOnce, on: again)
            received += released
            unacknowledged += released.compactMap(\.packetID)
        }
        #expect(received.filter { $0.qos == .atLeastOnce }.map(\.payload) == ["q1-a", "q1-b"])
        #expect(received.filter { $0.qos == .atMostOnce }.map(\.payload) == ["q0-c", "q0-d"])
    }
}

extension ShardHarness {
    /// Completes the delivery of `packetID` from the subscriber's side (PUBACK, or PUBREC then
    /// PUBCOMP) and returns what that released.
    mutating func acknowledge(_ packetID: PacketID, qos: QoS, on id: ConnectionID) -> [Delivered] {
        if qos == .atLeastOnce { return send(.pubAck(PubAck(packetID: packetID)), on: id).delivered(to: id) }
        let received = send(.pubRec(PubRec(packetID: packetID)), on: id)
        return received.delivered(to: id) + send(.pubComp(PubComp(packetID: packetID)), on: id).delivered(to: id)
    }
}

import MQTTClient
import MQTTCodec
import Reactor
import Testing

@Suite("ClientSession: QoS flows in both directions") struct SessionQoSTests {
    @Test("QoS 0 is sent at once and completes; without a connection it fails")
    func qos0() {
        var harness = SessionHarness()
        let early = harness.request()
        #expect(harness.publish("t", "x", qos: .atMostOnce, request: early) == [.fail(early, .notConnected)])
        harness.connect()
        let request = harness.request()
        #expect(
            harness.publish("t", "x", qos: .atMostOnce, request: request) == [
                .send(.publish(publishPacket("t", "x", qos: .atMostOnce, id: nil))), .complete(request, .published),
            ])
    }

    @Test("QoS 1: stored, sent, completed and forgotten at PUBACK [MQTT-4.3.2-1]")
    func qos1() {
        var harness = SessionHarness()
        harness.connect()
        let request = harness.request()
        let message = publishPacket("t", "one", qos: .atLeastOnce, id: 1)
        #expect(
            harness.publish("t", "one", qos: .atLeastOnce, request: request) == [
                .store(StoredPublish(publish: message, released: false, sequence: 0)), .send(.publish(message)),
            ])
        #expect(harness.receive(.pubAck(PubAck(packetID: 1))) == [.forget(1), .complete(request, .published)])
        #expect(harness.receive(.pubAck(PubAck(packetID: 1))).isEmpty)
    }

    @Test("QoS 2: PUBREC is answered with PUBREL and stored as released; PUBCOMP completes [MQTT-4.3.3-1]")
    func qos2() {
        var harness = SessionHarness()
        harness.connect()
        let request = harness.request()
        let message = publishPacket("t", "two", qos: .exactlyOnce, id: 1)
        _ = harness.publish("t", "two", qos: .exactlyOnce, request: request)
        #expect(
            harness.receive(.pubRec(PubRec(packetID: 1))) == [
                .store(StoredPublish(publish: message, released: true, sequence: 0)),
                .send(.pubRel(PubRel(packetID: 1))),
            ])
        #expect(harness.receive(.pubComp(PubComp(packetID: 1))) == [.forget(1), .complete(request, .published)])
    }

    @Test("The in-flight window holds back messages until an acknowledgement frees room")
    func inFlightWindow() {
        var harness = SessionHarness(options: SessionHarness.options(inFlight: 2))
        harness.connect()
        var sent: [Packet] = []
        for number in 1...3 { sent += sentPackets(harness.publish("w", "\(number)", qos: .atLeastOnce)) }
        #expect(sent.count == 2)
        let released = sentPackets(harness.receive(.pubAck(PubAck(packetID: 1))))
        #expect(released == [.publish(publishPacket("w", "3", qos: .atLeastOnce, id: 3))])
    }

    @Test("Inbound QoS 1 is delivered and acknowledged [MQTT-4.3.2-2]")
    func inboundQoS1() {
        var harness = SessionHarness()
        harness.connect()
        let message = publishPacket("in", "m", qos: .atLeastOnce, id: 9)
        #expect(harness.receive(.publish(message)) == [.deliver(message), .send(.pubAck(PubAck(packetID: 9)))])
    }

    @Test("Inbound QoS 2 is delivered once, even when resent before PUBREL [MQTT-4.3.3-2]")
    func inboundQoS2() {
        var harness = SessionHarness()
        harness.connect()
        let message = publishPacket("in", "m", qos: .exactlyOnce, id: 7)
        #expect(harness.receive(.publish(message)) == [.deliver(message), .send(.pubRec(PubRec(packetID: 7)))])
        var again = message
        again.dup = true
        #expect(harness.receive(.publish(again)) == [.send(.pubRec(PubRec(packetID: 7)))])
        #expect(harness.receive(.pubRel(PubRel(packetID: 7))) == [.send(.pubComp(PubComp(packetID: 7)))])
        let next = publishPacket("in", "new", qos: .exactlyOnce, id: 7)
        #expect(harness.receive(.publish(next)).first == .deliver(next))
    }

    @Test("PUBRELs go out in the order the PUBRECs arrived, not the order of publishing [MQTT-4.6.0-4]")
    func pubRelsFollowPubRecOrder() {
        var harness = SessionHarness()
        harness.connect()
        _ = harness.publish("q", "1", qos: .exactlyOnce)
        _ = harness.publish("q", "2", qos: .exactlyOnce)
        var sent: [Packet] = []
        sent += sentPackets(harness.receive(.pubRec(PubRec(packetID: 2))))
        sent += sentPackets(harness.receive(.pubRec(PubRec(packetID: 1))))
        #expect(sent == [.pubRel(PubRel(packetID: 2)), .pubRel(PubRel(packetID: 1))])
    }

    @Test("Packet identifiers wrap from 65535 to 1 and skip those still in use [MQTT-2.3.1-2]")
    func identifiersSkipInUse() {
        let restored = [
            StoredPublish(publish: publishPacket("a", "1", qos: .atLeastOnce, id: 1), released: false, sequence: 0),
            StoredPublish(
                publish: publishPacket("a", "max", qos: .atLeastOnce, id: 65535), released: false, sequence: 1),
        ]
        var harness = SessionHarness(restored: restored)
        harness.connect()
        let next = sentPackets(harness.publish("a", "2", qos: .atLeastOnce))
        #expect(next == [.publish(publishPacket("a", "2", qos: .atLeastOnce, id: 2))])
    }
}

import MQTTBroker
import MQTTCodec
import MQTTTestSupport
import Testing

@Suite("Wire: retained messages") struct RetainWireTests {
    @Test("Retained: stored, replaced, delivered with RETAIN=1 to wildcard subscriptions, cleared by empty payload [MQTT-3.3.1-5..11]")
    func retainedLifecycle() throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let publisher = try broker.client()
        try publisher.connect(clientID: "rp")
        try publisher.publish("r/a", "first", qos: .atLeastOnce, retain: true)
        try publisher.publish("r/a", "second", qos: .atLeastOnce, retain: true, packetID: 2)
        try publisher.publish("r/b", "other", retain: true)
        try publisher.sync()  // stored before anyone subscribes, so it arrives as retained

        let subscriber = try broker.client()
        try subscriber.connect(clientID: "rs")
        try subscriber.subscribe("r/+", qos: .atLeastOnce)
        let first = try subscriber.expectPublish()
        let second = try subscriber.expectPublish()
        #expect([first.payloadString, second.payloadString] == ["second", "other"])
        #expect(first.retain && second.retain)  // [MQTT-3.3.1-8]
        #expect(first.qos == .atLeastOnce && second.qos == .atMostOnce)
        try subscriber.send(.pubAck(PubAck(packetID: first.packetID!)))

        try publisher.publish("r/a", "live", retain: true)
        let live = try subscriber.expectPublish()
        #expect(live.payloadString == "live" && live.retain == false)  // [MQTT-3.3.1-9]

        try publisher.publish("r/a", "", retain: true)  // clears [MQTT-3.3.1-10]
        #expect(try subscriber.expectPublish().payload.readableBytes == 0)
        let late = try broker.client()
        try late.connect(clientID: "late")
        try late.subscribe("r/#")
        #expect(try late.expectPublish().payloadString == "other")
        try late.expectSilence()
    }

    @Test("retain_available false: a retained PUBLISH closes the connection")
    func retainNotAvailable() throws {
        let broker = try TestBroker { $0.limits.retainAvailable = false }
        defer { broker.stop() }
        let client = try broker.client()
        try client.connect(clientID: "r")
        try client.send(.publish(Publish(topic: try TopicName("a"), payload: ByteBuffer(string: "x"), retain: true)))
        #expect(try client.expectClosed().isEmpty)
    }
}

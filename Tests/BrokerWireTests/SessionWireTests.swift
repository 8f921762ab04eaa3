import MQTTBroker
import MQTTCodec
import MQTTTestSupport
import Testing

@Suite("Wire: sessions and wills") struct SessionWireTests {
    @Test("A persistent session keeps subscriptions and queues QoS 1 while offline [MQTT-3.1.2-4], [MQTT-3.2.2-2]")
    func offlineQueue() throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let subscriber = try broker.client()
        try subscriber.connect(clientID: "persist", cleanSession: false)
        try subscriber.subscribe("news", qos: .atLeastOnce)
        try subscriber.send(.disconnect)
        #expect(try subscriber.expectClosed().isEmpty)

        let publisher = try broker.client()
        try publisher.connect(clientID: "newsroom")
        for number in 1...3 { try publisher.publish("news", "item \(number)", qos: .atLeastOnce, packetID: PacketID(rawValue: UInt16(number))!) }
        try publisher.publish("news", "qos0 is not queued")

        let back = try broker.client()
        try back.connect(clientID: "persist", cleanSession: false, sessionPresent: true)
        for number in 1...3 {
            let message = try back.expectPublish()
            #expect(message.payloadString == "item \(number)")
            #expect(message.packetID == PacketID(rawValue: UInt16(number)))
            try back.send(.pubAck(PubAck(packetID: message.packetID!)))
        }
        try back.expectSilence()
    }

    @Test("Unacknowledged QoS 1 is resent with DUP on reconnect [MQTT-4.4.0-1]")
    func resendWithDup() throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let subscriber = try broker.client()
        try subscriber.connect(clientID: "forgetful", cleanSession: false)
        try subscriber.subscribe("d", qos: .atLeastOnce)
        let publisher = try broker.client()
        try publisher.connect(clientID: "dp")
        try publisher.publish("d", "unacked", qos: .atLeastOnce)
        let first = try subscriber.expectPublish()
        #expect(first.dup == false)
        subscriber.close()

        let again = try broker.client()
        try again.connect(clientID: "forgetful", cleanSession: false, sessionPresent: true)
        let resent = try again.expectPublish()
        #expect(resent.dup && resent.packetID == first.packetID && resent.payloadString == "unacked")
    }

    @Test("Clean session discards the previous session [MQTT-3.1.2-6]")
    func cleanSessionDiscards() throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let first = try broker.client()
        try first.connect(clientID: "c", cleanSession: false)
        try first.subscribe("c/t", qos: .atLeastOnce)
        try first.send(.disconnect)
        _ = try first.expectClosed()
        let second = try broker.client()
        try second.connect(clientID: "c", cleanSession: true, sessionPresent: false)
        try second.publish("c/t", "not for you")
        try second.expectSilence()
    }

    @Test("The will is published when the connection drops, not after DISCONNECT [MQTT-3.1.2-8], [MQTT-3.14.4-3]")
    func wills() throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let watcher = try broker.client()
        try watcher.connect(clientID: "watcher")
        try watcher.subscribe("wills/#", qos: .atLeastOnce)
        let will = Will(topic: try TopicName("wills/dropped"), payload: ByteBuffer(string: "gone"), qos: .atLeastOnce)

        let polite = try broker.client()
        try polite.connect(clientID: "polite", will: Will(topic: try TopicName("wills/polite"), payload: ByteBuffer(string: "no")))
        try polite.send(.disconnect)
        _ = try polite.expectClosed()

        let dropped = try broker.client()
        try dropped.connect(clientID: "dropped", will: will)
        dropped.close()
        let message = try watcher.expectPublish()
        #expect(message.topic.string == "wills/dropped" && message.payloadString == "gone" && message.qos == .atLeastOnce)
        try watcher.send(.pubAck(PubAck(packetID: message.packetID!)))
        try watcher.expectSilence()
    }
}

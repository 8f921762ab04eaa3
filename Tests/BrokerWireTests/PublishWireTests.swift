import MQTTBroker
import MQTTCodec
import MQTTTestSupport
import Testing

@Suite("Wire: subscribe and publish") struct PublishWireTests {
    @Test("QoS 0/1/2 deliveries carry the min of publish and granted QoS [MQTT-3.8.4-6]", arguments: [
        (QoS.atMostOnce, QoS.exactlyOnce), (.atLeastOnce, .exactlyOnce), (.exactlyOnce, .exactlyOnce),
        (.exactlyOnce, .atLeastOnce), (.exactlyOnce, .atMostOnce),
    ])
    func qosDowngrade(published: QoS, granted: QoS) throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let subscriber = try broker.client()
        try subscriber.connect(clientID: "sub")
        try subscriber.subscribe("q/t", qos: granted)
        let publisher = try broker.client()
        try publisher.connect(clientID: "pub")
        try publisher.publish("q/t", "m", qos: published)
        let delivered = try subscriber.expectPublish()
        #expect(delivered.qos == min(published, granted))
        #expect(delivered.payloadString == "m")
        #expect(delivered.retain == false)
        #expect(delivered.dup == false)
        if delivered.qos != .atMostOnce { #expect(delivered.packetID == 1) }  // ids start at 1 per session
    }

    @Test("Exact bytes: a QoS 1 delivery uses packet id 1 and is completed by PUBACK")
    func qos1ExactBytes() throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let subscriber = try broker.client()
        try subscriber.connect(clientID: "s")
        try subscriber.subscribe("t", qos: .atLeastOnce)
        let publisher = try broker.client()
        try publisher.connect(clientID: "p")
        try publisher.send(bytes: [0x32, 0x06, 0x00, 0x01, 0x74, 0x00, 0x07, 0x41])  // PUBLISH QoS 1 id 7 "A"
        try publisher.expect(bytes: [0x40, 0x02, 0x00, 0x07])
        try subscriber.expect(bytes: [0x32, 0x06, 0x00, 0x01, 0x74, 0x00, 0x01, 0x41])
        try subscriber.send(bytes: [0x40, 0x02, 0x00, 0x01])
        try subscriber.expectSilence()
    }

    @Test("QoS 2 inbound is delivered once even when the PUBLISH is resent [MQTT-4.3.3-2]")
    func qos2ExactlyOnce() throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let subscriber = try broker.client()
        try subscriber.connect(clientID: "s2")
        try subscriber.subscribe("x", qos: .atMostOnce)
        let publisher = try broker.client()
        try publisher.connect(clientID: "p2")
        let publish = Publish(topic: try TopicName("x"), payload: ByteBuffer(string: "once"), qos: .exactlyOnce, packetID: 9)
        try publisher.send(.publish(publish))
        try publisher.expect(.pubRec(PubRec(packetID: 9)))
        var again = publish
        again.dup = true
        try publisher.send(.publish(again))
        try publisher.expect(.pubRec(PubRec(packetID: 9)))
        try publisher.send(.pubRel(PubRel(packetID: 9)))
        try publisher.expect(.pubComp(PubComp(packetID: 9)))
        #expect(try subscriber.expectPublish().payloadString == "once")
        try subscriber.expectSilence()
    }

    @Test("Overlapping subscriptions deliver one copy at the highest QoS")
    func overlappingSubscriptions() throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let subscriber = try broker.client()
        try subscriber.connect(clientID: "overlap")
        try subscriber.subscribe("a/#", qos: .atMostOnce, packetID: 1)
        try subscriber.subscribe("a/+", qos: .atLeastOnce, packetID: 2)
        let publisher = try broker.client()
        try publisher.connect(clientID: "p")
        try publisher.publish("a/b", "one", qos: .atLeastOnce)
        let delivered = try subscriber.expectPublish()
        #expect(delivered.qos == .atLeastOnce)
        try subscriber.send(.pubAck(PubAck(packetID: delivered.packetID!)))
        try subscriber.expectSilence()
    }

    @Test("Wildcards: '#' matches the parent, '+' an empty level, '$' topics escape leading wildcards [MQTT-4.7.2-1]")
    func wildcardRules() throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let subscriber = try broker.client()
        try subscriber.connect(clientID: "w")
        try subscriber.subscribe("sport/#", packetID: 1)
        try subscriber.subscribe("+/+", packetID: 2)
        try subscriber.subscribe("#", packetID: 3)
        let publisher = try broker.client()
        try publisher.connect(clientID: "p")
        try publisher.publish("$SYS/fake", "hidden")
        try publisher.publish("sport", "parent")
        try publisher.publish("/finance", "empty-level")
        #expect(try subscriber.expectPublish().payloadString == "parent")
        #expect(try subscriber.expectPublish().payloadString == "empty-level")
        try subscriber.expectSilence()
    }

    @Test("Messages from one publisher arrive in order, across loops [MQTT-4.6.0-5]", arguments: [1, 2, 4])
    func ordering(threads: Int) throws {
        let broker = try TestBroker(threads: threads)
        defer { broker.stop() }
        let subscribers = try (0..<4).map { index in
            let client = try broker.client()
            try client.connect(clientID: "order-sub-\(index)")
            try client.subscribe("seq", qos: .atMostOnce)
            return client
        }
        let publisher = try broker.client()
        try publisher.connect(clientID: "order-pub")
        for number in 0..<200 { try publisher.publish("seq", "\(number)") }
        for subscriber in subscribers {
            for number in 0..<200 { #expect(try subscriber.expectPublish().payloadString == "\(number)") }
        }
    }

    @Test("UNSUBSCRIBE stops delivery and is acknowledged even for unknown filters [MQTT-3.10.4-5]")
    func unsubscribe() throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let client = try broker.client()
        try client.connect(clientID: "u")
        try client.subscribe("u/t")
        try client.send(.unsubscribe(Unsubscribe(packetID: 2, filters: [try TopicFilter("u/t"), try TopicFilter("never")])))
        try client.expect(.unsubAck(UnsubAck(packetID: 2)))
        try client.publish("u/t", "after")
        try client.expectSilence()
    }

    @Test("Shared subscriptions split messages round-robin; ordinary subscribers get all")
    func sharedSubscriptions() throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let members = try (0..<2).map { index in
            let client = try broker.client()
            try client.connect(clientID: "member-\(index)")
            try client.subscribe("$share/workers/jobs", qos: .atMostOnce)
            return client
        }
        let watcher = try broker.client()
        try watcher.connect(clientID: "watcher")
        try watcher.subscribe("jobs")
        let publisher = try broker.client()
        try publisher.connect(clientID: "boss")
        for number in 0..<10 { try publisher.publish("jobs", "\(number)") }
        var received: [String] = []
        for member in members {
            for _ in 0..<5 { received.append(try member.expectPublish().payloadString) }
            try member.expectSilence(milliseconds: 100)
        }
        #expect(received.sorted() == (0..<10).map(String.init).sorted())
        for number in 0..<10 { #expect(try watcher.expectPublish().payloadString == "\(number)") }
    }
}

@Suite("Wire: $SYS is the broker's") struct SystemTopicWriteTests {
    @Test("A client's PUBLISH to $SYS is acknowledged and dropped, as in Mosquitto [MQTT-3.3.5-2]")
    func clientCannotWriteSystemTopics() throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let reader = try broker.client()
        try reader.connect(clientID: "reader")
        try reader.subscribe("$SYS/#")
        let spoofer = try broker.client()
        try spoofer.connect(clientID: "spoofer")
        try spoofer.publish("$SYS/broker/version", "spoofed", qos: .atLeastOnce, retain: true)
        try spoofer.publish("$SYSTEM/ok", "not the broker's", qos: .atLeastOnce, packetID: 2)
        try reader.expectSilence()
        let later = try broker.client()
        try later.connect(clientID: "later")
        try later.subscribe("$SYSTEM/#")
        try spoofer.publish("$SYSTEM/ok", "allowed", retain: true)
        #expect(try later.expectPublish().payloadString == "allowed")
    }
}

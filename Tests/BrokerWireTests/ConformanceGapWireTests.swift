import MQTTBroker
import MQTTCodec
import MQTTTestSupport
import Testing

/// Statements of docs/conformance.md Part 3 that depend on how a loop handles a whole burst of
/// packets: what happens after a refused CONNECT, and the order of acknowledgements and resends.
/// A PINGREQ sent last serves as a fence: its PINGRESP proves nothing else was sent before it.
@Suite("Wire: conformance gaps") struct ConformanceGapWireTests {
    private func bytes(_ packets: [Packet]) -> [UInt8] {
        packets.flatMap { $0.encoded().readableBytesArray }
    }

    private func publish(
        _ topic: String, _ payload: String, qos: QoS, packetID: UInt16?, retain: Bool = false, dup: Bool = false
    ) throws -> Publish {
        Publish(
            topic: try TopicName(topic), payload: ByteBuffer(string: payload), qos: qos,
            packetID: packetID.flatMap(PacketID.init(rawValue:)), retain: retain, dup: dup)
    }

    @Test(
        "[MQTT-3.1.4-5] after a refused CONNECT nothing else in the same burst is processed, on either loop",
        arguments: [0, 1])
    func refusedConnectBurst(home: Int) throws {
        let broker = try TestBroker(threads: 2) { $0.limits.allowAnonymous = false }
        defer { broker.stop() }
        let watcher = try broker.client()
        try watcher.connect(clientID: "watcher", username: "user")
        try watcher.subscribe("#")
        let clientID = (0..<1000).lazy.map { "refused-\($0)" }.first {
            broker.server.context.homeShard(of: $0) == home
        }!

        let intruder = try broker.client()
        let will = Will(topic: try TopicName("burst/will"), payload: ByteBuffer(string: "will"), retain: true)
        try intruder.send(
            bytes: bytes([
                .connect(Connect(clientID: clientID, will: will)),
                .connect(Connect(clientID: clientID, username: "user")),
                .publish(try publish("burst/retained", "r", qos: .atLeastOnce, packetID: 1, retain: true)),
                .subscribe(Subscribe(packetID: 2, requests: [.init(filter: try TopicFilter("#"), qos: .atMostOnce)])),
                .pingReq,
            ]))
        #expect(try intruder.expectClosed() == [.connAck(ConnAck(returnCode: .notAuthorized))])
        try watcher.expectSilence(milliseconds: 300)
        #expect(broker.server.context.retained.count == 0)

        let late = try broker.client()
        try late.connect(clientID: "late", username: "user")
        try late.subscribe("burst/#")
        try late.send(.pingReq)
        try late.expect(.pingResp)
    }

    @Test("[MQTT-4.6.0-2] [MQTT-4.6.0-3] PUBACKs and PUBRECs leave in the order their PUBLISH packets arrived")
    func acknowledgementsFollowArrivalOrder() throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let client = try broker.client()
        try client.connect(clientID: "acks")
        let order: [(UInt16, QoS)] = [
            (7, .atLeastOnce), (3, .exactlyOnce), (65535, .atLeastOnce), (1, .exactlyOnce), (9, .atLeastOnce),
            (2, .exactlyOnce),
        ]
        try client.send(
            bytes: bytes(try order.map { .publish(try publish("acks/t", "m", qos: $0.1, packetID: $0.0)) } + [.pingReq])
        )
        for (raw, qos) in order {
            let packetID = PacketID(rawValue: raw)!
            try client.expect(
                qos == .atLeastOnce ? .pubAck(PubAck(packetID: packetID)) : .pubRec(PubRec(packetID: packetID)))
        }
        try client.expect(.pingResp)

        let releases: [PacketID] = [2, 3, 1]
        try client.send(bytes: bytes(releases.map { .pubRel(PubRel(packetID: $0)) } + [.pingReq]))
        for packetID in releases { try client.expect(.pubComp(PubComp(packetID: packetID))) }  // [MQTT-3.6.4-1]
        try client.expect(.pingResp)
    }

    @Test("[MQTT-4.6.0-4] PUBRELs leave in the order the PUBRECs arrived")
    func pubRelsFollowPubRecOrder() throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let subscriber = try broker.client()
        try subscriber.connect(clientID: "receiver")
        try subscriber.subscribe("o", qos: .exactlyOnce)
        let publisher = try broker.client()
        try publisher.connect(clientID: "sender")
        for number in 1...4 {
            try publisher.publish("o", "m\(number)", qos: .exactlyOnce, packetID: PacketID(rawValue: UInt16(number))!)
        }
        for number in 1...4 {
            let delivered = try subscriber.expectPublish()
            #expect(delivered.payloadString == "m\(number)" && delivered.packetID?.rawValue == UInt16(number))
        }
        let recs: [PacketID] = [3, 1, 4, 2]
        try subscriber.send(bytes: bytes(recs.map { .pubRec(PubRec(packetID: $0)) } + [.pingReq]))
        for packetID in recs { try subscriber.expect(.pubRel(PubRel(packetID: packetID))) }
        try subscriber.expect(.pingResp)
        try subscriber.send(bytes: bytes(recs.map { .pubComp(PubComp(packetID: $0)) } + [.pingReq]))
        try subscriber.expect(.pingResp)
    }

    @Test("[MQTT-4.6.0-1] [MQTT-4.4.0-1] a resumed session gets PUBLISH and PUBREL again, in the original order")
    func resendsKeepTheOriginalOrder() throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let subscriber = try broker.client()
        try subscriber.connect(clientID: "resender", cleanSession: false)
        try subscriber.subscribe("r", qos: .exactlyOnce)
        let publisher = try broker.client()
        try publisher.connect(clientID: "source")
        let sent: [(String, QoS)] = [
            ("a", .atLeastOnce), ("b", .exactlyOnce), ("c", .exactlyOnce), ("d", .atLeastOnce),
        ]
        for (index, (payload, qos)) in sent.enumerated() {
            try publisher.publish("r", payload, qos: qos, packetID: PacketID(rawValue: UInt16(index + 1))!)
        }
        for (index, (payload, qos)) in sent.enumerated() {
            try subscriber.expect(.publish(try publish("r", payload, qos: qos, packetID: UInt16(index + 1))))
        }
        try subscriber.send(.pubRec(PubRec(packetID: 3)))
        try subscriber.expect(.pubRel(PubRel(packetID: 3)))

        // A new connection takes the session over; WireClient.close() is avoided, as it closes its
        // descriptor twice (again in deinit).
        let again = try broker.client()
        try again.connect(clientID: "resender", cleanSession: false, sessionPresent: true)
        #expect(try subscriber.expectClosed().isEmpty)
        try again.expect(.publish(try publish("r", "a", qos: .atLeastOnce, packetID: 1, dup: true)))
        try again.expect(.publish(try publish("r", "b", qos: .exactlyOnce, packetID: 2, dup: true)))
        try again.expect(.pubRel(PubRel(packetID: 3)))
        try again.expect(.publish(try publish("r", "d", qos: .atLeastOnce, packetID: 4, dup: true)))
        try again.send(.pingReq)
        try again.expect(.pingResp)
    }

    @Test(
        "[MQTT-3.8.4-4] [MQTT-3.8.4-5] [MQTT-3.9.3-1] [MQTT-3.10.4-6] one SUBACK, one UNSUBACK for three filters"
    )
    func multiFilterExactBytes() throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let client = try broker.client()
        try client.connect(clientID: "multi")
        // SUBSCRIBE id 0x1234: m/a QoS 0, m/+ QoS 2, m/# QoS 1.
        try client.send(bytes: [
            0x82, 0x14, 0x12, 0x34,
            0x00, 0x03, 0x6D, 0x2F, 0x61, 0x00,
            0x00, 0x03, 0x6D, 0x2F, 0x2B, 0x02,
            0x00, 0x03, 0x6D, 0x2F, 0x23, 0x01,
            0xC0, 0x00,
        ])
        try client.expect(bytes: [0x90, 0x05, 0x12, 0x34, 0x00, 0x02, 0x01])
        try client.expect(.pingResp)
        // UNSUBSCRIBE id 0x0102: m/a, m/#, nope.
        try client.send(bytes: [
            0xA2, 0x12, 0x01, 0x02,
            0x00, 0x03, 0x6D, 0x2F, 0x61,
            0x00, 0x03, 0x6D, 0x2F, 0x23,
            0x00, 0x04, 0x6E, 0x6F, 0x70, 0x65,
            0xC0, 0x00,
        ])
        try client.expect(bytes: [0xB0, 0x02, 0x01, 0x02])
        try client.expect(.pingResp)

        let publisher = try broker.client()
        try publisher.connect(clientID: "multi-publisher")
        try publisher.publish("m/x/y", "only m/# matched this")
        try publisher.publish("m/a", "m/+ still matches", qos: .exactlyOnce)
        let delivered = try client.expectPublish()
        #expect(delivered.topic.string == "m/a" && delivered.qos == .exactlyOnce)
    }
}

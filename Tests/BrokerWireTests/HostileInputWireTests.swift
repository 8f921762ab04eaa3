import MQTTBroker
import MQTTCodec
import MQTTTestSupport
import Testing

/// Malformed or hostile input closes that one connection; everyone else carries on.
@Suite("Wire: malformed and hostile input") struct HostileInputWireTests {
    static let hostileInputs: [(String, [UInt8])] = [
        ("garbage", [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
        ("reserved packet type 0", [0x00, 0x00]),
        ("five-byte remaining length", [0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]),
        ("invalid UTF-8 client id", [0x10, 0x0E, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3C, 0x00, 0x02, 0xC0, 0xAF]),
        ("wrong protocol name", [0x10, 0x0C, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x58, 0x04, 0x02, 0x00, 0x3C, 0x00, 0x00]),
        ("reserved CONNECT flag", [0x10, 0x0C, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0x03, 0x00, 0x3C, 0x00, 0x00]),
    ]

    @Test("Hostile first bytes close only that connection [MQTT-4.8.0-1]", arguments: hostileInputs)
    func hostileFirstPacket(name: String, bytes: [UInt8]) throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let bystander = try broker.client()
        try bystander.connect(clientID: "bystander")
        try bystander.subscribe("still/here")

        let attacker = try broker.client()
        try attacker.send(bytes: bytes)
        #expect(try attacker.expectClosed().isEmpty, "\(name)")

        try bystander.publish("still/here", "fine")
        #expect(try bystander.expectPublish().payloadString == "fine")
    }

    @Test("After CONNECT: invalid topic names, wildcards in PUBLISH, bad flags close the connection", arguments: [
        [UInt8]([0x30, 0x04, 0x00, 0x02, 0x61, 0x23]),  // PUBLISH to "a#" [MQTT-3.3.2-2]
        [0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01],  // PUBLISH QoS 3 [MQTT-3.3.1-4]
        [0x80, 0x05, 0x00, 0x01, 0x00, 0x01, 0x61],  // SUBSCRIBE with flags 0 [MQTT-3.8.1-1]
        [0x82, 0x02, 0x00, 0x01],  // SUBSCRIBE without filters [MQTT-3.8.3-3]
        [0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 0x61, 0x03],  // requested QoS 3 [MQTT-3-8.3-4]
        [0x20, 0x02, 0x00, 0x00],  // CONNACK from a client
    ])
    func hostileAfterConnect(bytes: [UInt8]) throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let client = try broker.client()
        try client.connect(clientID: "bad")
        try client.send(bytes: bytes)
        #expect(try client.expectClosed().isEmpty)
    }

    @Test("Half a packet then silence: closed by the keep alive, others unaffected")
    func halfPacketThenSilence() async throws {
        let leftover = try await offCooperativePool {
            let broker = try TestBroker()
            defer { broker.stop() }
            let client = try broker.client()
            try client.connect(clientID: "half", keepAlive: 1)
            try client.send(bytes: [0x30, 0x20, 0x00, 0x05])
            let bystander = try broker.client()
            try bystander.connect(clientID: "ok")
            try bystander.send(.pingReq)
            try bystander.expect(.pingResp)
            return try client.expectClosed(timeoutMilliseconds: 4000)
        }
        #expect(leftover.isEmpty)
    }

    @Test("A subscriber that never reads costs bounded memory and nobody else's deliveries")
    func slowSubscriberIsBounded() async throws {
        let (payload, dropped) = try await offCooperativePool { () throws -> (String, Int) in
            let broker = try TestBroker(threads: 1) { options in
                options.limits.maximumPendingOutputBytes = 256 * 1024
            }
            defer { broker.stop() }
            let stuck = try broker.client()
            try stuck.connect(clientID: "stuck")
            try stuck.subscribe("flood")
            let healthy = try broker.client()
            try healthy.connect(clientID: "healthy")
            try healthy.subscribe("flood/check")
            let publisher = try broker.client()
            try publisher.connect(clientID: "flooder")
            let payload = String(repeating: "x", count: 16 * 1024)
            for _ in 0..<2000 { try publisher.publish("flood", payload) }  // 32 MB toward a reader that never reads
            try publisher.publish("flood/check", "alive")
            let check = try healthy.expectPublish(timeoutMilliseconds: 10_000).payloadString
            return (check, Int(broker.server.context.statistics.publishDropped.value))
        }
        #expect(payload == "alive")
        #expect(dropped > 0)
    }
}

import MQTTBroker
import MQTTCodec
import MQTTTestSupport
import Reactor
import Testing

@Suite("Wire: connect") struct ConnectWireTests {
    @Test("CONNECT bytes in, CONNACK 0 bytes out [MQTT-3.2.0-1]")
    func connectAcceptedExactBytes() throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let client = try broker.client()
        // CONNECT, MQTT 3.1.1, clean session, keep alive 60, client id "c1".
        try client.send(bytes: [0x10, 0x0E, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3C, 0x00, 0x02, 0x63, 0x31])
        try client.expect(bytes: [0x20, 0x02, 0x00, 0x00])
        try client.send(bytes: [0xC0, 0x00])
        try client.expect(bytes: [0xD0, 0x00])  // [MQTT-3.12.4-1]
    }

    @Test("A packet before CONNECT closes the connection [MQTT-3.1.0-1]")
    func publishBeforeConnectCloses() throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let client = try broker.client()
        try client.send(.publish(Publish(topic: try TopicName("a"), payload: ByteBuffer(string: "x"))))
        #expect(try client.expectClosed().isEmpty)
    }

    @Test("A second CONNECT closes the connection [MQTT-3.1.0-2]")
    func secondConnectCloses() throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let client = try broker.client()
        try client.connect(clientID: "twice")
        try client.send(.connect(Connect(clientID: "twice")))
        #expect(try client.expectClosed().isEmpty)
    }

    @Test("Unsupported protocol level gets CONNACK 1, then close [MQTT-3.1.2-2]")
    func unsupportedLevel() throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let client = try broker.client()
        try client.send(bytes: [0x10, 0x0C, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x05, 0x02, 0x00, 0x3C, 0x00, 0x00])
        #expect(try client.expectClosed() == [.connAck(ConnAck(returnCode: .unacceptableProtocolVersion))])
    }

    @Test("MQTT 3.1 (MQIsdp, level 3) clients are accepted")
    func mqtt31Accepted() throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let client = try broker.client()
        try client.send(.connect(Connect(protocolVersion: .v3_1, clientID: "old-client")))
        try client.expect(.connAck(ConnAck()))
    }

    @Test("Empty client id: assigned with clean session, refused with code 2 otherwise [MQTT-3.1.3-6], [MQTT-3.1.3-8]")
    func emptyClientID() throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let accepted = try broker.client()
        try accepted.connect(clientID: "", cleanSession: true)
        let refused = try broker.client()
        try refused.send(.connect(Connect(clientID: "", cleanSession: false)))
        #expect(try refused.expectClosed() == [.connAck(ConnAck(returnCode: .identifierRejected))])
    }

    @Test("allow_anonymous false refuses clients without a user name with code 5")
    func anonymousRefused() throws {
        let broker = try TestBroker { $0.limits.allowAnonymous = false }
        defer { broker.stop() }
        let client = try broker.client()
        try client.send(.connect(Connect(clientID: "anon")))
        #expect(try client.expectClosed() == [.connAck(ConnAck(returnCode: .notAuthorized))])
    }

    @Test("A client id connecting again takes over: the old connection is closed [MQTT-3.1.4-2]")
    func takeover() throws {
        let broker = try TestBroker()
        defer { broker.stop() }
        let first = try broker.client()
        try first.connect(clientID: "same")
        let second = try broker.client()
        try second.connect(clientID: "same")
        #expect(try first.expectClosed().isEmpty)
        try second.send(.pingReq)
        try second.expect(.pingResp)
    }

    @Test("Keep alive: silence for 1.5x the keep alive closes the connection [MQTT-3.1.2-24]")
    func keepAliveExpiry() async throws {
        let (leftover, elapsed) = try await offCooperativePool { () throws -> ([Packet], Duration) in
            let broker = try TestBroker()
            defer { broker.stop() }
            let client = try broker.client()
            try client.connect(clientID: "sleepy", keepAlive: 1)
            let start = Instant.now()
            let leftover = try client.expectClosed(timeoutMilliseconds: 4000)
            return (leftover, Instant.now().since(start))
        }
        #expect(leftover.isEmpty)
        #expect(elapsed >= .milliseconds(1400))
    }
}

@Suite("Wire: listener and packet limits") struct ListenerLimitWireTests {
    @Test("max_connections: a listener that is full closes new connections; a place frees on close")
    func maxConnections() throws {
        let broker = try TestBroker { $0.listeners[0].maximumConnections = 1 }
        defer { broker.stop() }
        let first = try broker.client()
        try first.connect(clientID: "first")
        let second = try broker.client()
        #expect(try second.expectClosed().isEmpty)
        first.close()
        var admitted = false
        for _ in 0..<50 where !admitted {
            let third = try broker.client()
            try third.send(.connect(Connect(clientID: "third")))
            admitted = (try? third.nextPacket(timeoutMilliseconds: 200)) == .some(.connAck(ConnAck()))
        }
        #expect(admitted)
    }

    @Test("max_packet_size: a larger packet closes the connection before its body arrives")
    func maxPacketSize() throws {
        let broker = try TestBroker { $0.limits.maximumPacketSize = 100 }
        defer { broker.stop() }
        let client = try broker.client()
        try client.connect(clientID: "big")
        try client.send(bytes: [0x30, 0xC8, 0x01])  // PUBLISH announcing 200 bytes; none follow
        #expect(try client.expectClosed().isEmpty)
    }
}

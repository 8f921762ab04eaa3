import MQTTClient
import MQTTCodec
import Reactor
import Testing

@Suite("Client API against a live broker") struct ClientAPITests {
    @Test(
        "Publish and receive at every QoS; publish returns after the handshake", arguments: BrokerKind.available,
        QoS.allCases)
    func roundTrip(kind: BrokerKind, qos: QoS) async throws {
        let broker = try LiveBroker(kind)
        let subscriber = try Client(broker.options("sub-\(qos.rawValue)"))
        try await subscriber.connect()
        let stream = try await subscriber.subscribe(["round/#"], qos: qos)
        #expect(stream.returnCodes == [.granted(qos)])
        let publisher = try Client(broker.options("pub-\(qos.rawValue)"))
        #expect(try await publisher.connect() == false)
        for number in 1...20 { try await publisher.publish("round/\(number)", "message \(number)", qos: qos) }
        let messages = try await collect(stream, count: 20)
        #expect(messages.map(\.payloadString) == (1...20).map { "message \($0)" })
        #expect(messages.allSatisfy { $0.qos == qos && !$0.retain })
        await publisher.disconnect()
        await subscriber.disconnect()
    }

    @Test(
        "A retained message reaches a later subscriber with RETAIN set [MQTT-3.3.1-8]", arguments: BrokerKind.available)
    func retained(kind: BrokerKind) async throws {
        let broker = try LiveBroker(kind)
        let publisher = try Client(broker.options("retainer"))
        try await publisher.connect()
        try await publisher.publish("kept/topic", "last known good", qos: .atLeastOnce, retain: true)
        let subscriber = try Client(broker.options("late"))
        try await subscriber.connect()
        let stream = try await subscriber.subscribe(["kept/#"], qos: .atLeastOnce)
        let message = try await collect(stream, count: 1)[0]
        #expect(message.retain && message.payloadString == "last known good" && message.topic.string == "kept/topic")
    }

    @Test("unsubscribe stops a filter; the stream keeps its other filters", arguments: BrokerKind.available)
    func unsubscribe(kind: BrokerKind) async throws {
        let broker = try LiveBroker(kind)
        let client = try Client(broker.options("unsub"))
        try await client.connect()
        let stream = try await client.subscribe(["u/a", "u/b"], qos: .atLeastOnce)
        try await client.unsubscribe(["u/a"])
        try await client.publish("u/a", "dropped", qos: .atLeastOnce)
        try await client.publish("u/b", "kept", qos: .atLeastOnce)
        #expect(try await collect(stream, count: 1).map(\.payloadString) == ["kept"])
    }

    @Test("When the consumer stops, the client unsubscribes", arguments: BrokerKind.available)
    func consumerStops(kind: BrokerKind) async throws {
        let broker = try LiveBroker(kind)
        let log = PacketLog()
        var options = broker.options("quitter")
        options.trace = log.hook
        let client = try Client(options)
        try await client.connect()
        do {
            let stream = try await client.subscribe(["gone/#"])
            try await client.publish("gone/x", "one")
            _ = try await collect(stream, count: 1)
        }
        try await log.waitForSent("UNSUBSCRIBE")
    }

    @Test(
        "A persistent session is reported present on the next connect [MQTT-3.2.2-2]", arguments: BrokerKind.available)
    func sessionPresent(kind: BrokerKind) async throws {
        let broker = try LiveBroker(kind)
        let first = try Client(broker.options("keeper", cleanSession: false))
        #expect(try await first.connect() == false)
        // Kept until after disconnect: releasing a stream unsubscribes.
        let firstStream = try await first.subscribe(["persist/#"], qos: .atLeastOnce)
        await first.disconnect()
        withExtendedLifetime(firstStream) {}
        let publisher = try Client(broker.options("feeder"))
        try await publisher.connect()
        try await publisher.publish("persist/1", "while away", qos: .atLeastOnce)

        let second = try Client(broker.options("keeper", cleanSession: false))
        let stream = second.subscription([Subscribe.Request(filter: try TopicFilter("persist/#"), qos: .atLeastOnce)])
        #expect(try await second.connect() == true)
        #expect(try await collect(stream, count: 1).map(\.payloadString) == ["while away"])
    }

    @Test("A refused CONNACK throws its return code", arguments: BrokerKind.available)
    func refused(kind: BrokerKind) async throws {
        let broker = try LiveBroker(kind, allowAnonymous: false)
        let client = try Client(broker.options("stranger"))
        await #expect(throws: ClientError.connectionRefused(.notAuthorized)) { try await client.connect() }
    }

    @Test("Connecting to a port nobody listens on fails with the socket error")
    func nobodyListening() async throws {
        let port: UInt16
        do {
            let listener = try TCPListener.bind(host: "127.0.0.1", port: 0)
            port = listener.localAddress.port
            listener.close()
        }
        let client = try Client(ClientOptions(host: "127.0.0.1", port: port, clientID: "lonely"))
        do {
            try await client.connect()
            Issue.record("connect succeeded")
        } catch {
            guard case .network(let systemError) = error else {
                Issue.record("expected a network error, got \(error)")
                return
            }
            #expect(systemError.call == "connect")
        }
    }

    @Test("A slow consumer loses nothing: reading pauses at the high-water mark", arguments: BrokerKind.available)
    func backpressure(kind: BrokerKind) async throws {
        let broker = try LiveBroker(kind)
        var options = broker.options("slow")
        options.streamHighWaterMark = 4
        let subscriber = try Client(options)
        try await subscriber.connect()
        let stream = try await subscriber.subscribe(["flood"], qos: .atLeastOnce)
        let publisher = try Client(broker.options("flooder"))
        try await publisher.connect()
        let count = 300
        let publishing = Task {
            for number in 0..<count { try await publisher.publish("flood", "\(number)", qos: .atLeastOnce) }
        }
        let received = try await within(20, "slow consumption") {
            var payloads: [String] = []
            for try await message in stream {
                payloads.append(message.payloadString)
                if payloads.count % 50 == 0 { try await Task.sleep(for: .milliseconds(100)) }
                if payloads.count == count { break }
            }
            return payloads
        }
        try await publishing.value
        #expect(received == (0..<count).map { "\($0)" })
    }

    @Test(
        "A batch of publishes keeps its order per QoS; it returns when every handshake is done",
        arguments: BrokerKind.available)
    func batch(kind: BrokerKind) async throws {
        let broker = try LiveBroker(kind)
        let client = try Client(broker.options("batcher"))
        try await client.connect()
        let stream = try await client.subscribe(["batch/#"], qos: .atLeastOnce)
        let topic = try TopicName("batch/x")
        let messages = (0..<100).map {
            OutgoingMessage(topic: topic, payload: ByteBuffer(string: "\($0)"), qos: QoS(rawValue: UInt8($0 % 3))!)
        }
        try await client.publish(messages)
        let received = try await collect(stream, count: 100)
        // Order holds per QoS: QoS 0 overtakes messages waiting for room in the in-flight window,
        // and brokers deliver QoS 2 at PUBREL.
        for qos in 0..<3 {
            let expected = (0..<100).filter { $0 % 3 == qos }
            #expect(received.compactMap { Int($0.payloadString) }.filter { $0 % 3 == qos } == expected)
        }
        let receipts = (0..<5).map { number in
            client.enqueue([OutgoingMessage(topic: topic, payload: ByteBuffer(string: "r\(number)"), qos: .exactlyOnce)]
            )
        }
        for receipt in receipts { try await receipt.completion() }
        #expect(receipts.allSatisfy { $0.isComplete })
        #expect(try await collect(stream, count: 5).map(\.payloadString) == (0..<5).map { "r\($0)" })
        await client.disconnect()
        let offline = [OutgoingMessage(topic: topic, payload: ByteBuffer(), qos: .atMostOnce)]
        await #expect(throws: ClientError.notConnected) { try await client.publish(offline) }
        await #expect(throws: ClientError.notConnected) { try await client.enqueue(offline).completion() }
    }

    @Test("Many concurrent publishers on one client: every publish completes", arguments: BrokerKind.available)
    func concurrentPublishers(kind: BrokerKind) async throws {
        let broker = try LiveBroker(kind)
        let client = try Client(broker.options("busy"))
        try await client.connect()
        let stream = try await client.subscribe(["busy/#"], qos: .exactlyOnce)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for number in 0..<25 { try await client.publish("busy/\(worker)", "\(number)", qos: .exactlyOnce) }
                }
            }
            try await group.waitForAll()
        }
        let messages = try await collect(stream, count: 200)
        #expect(Set(messages.map { "\($0.topic)/\($0.payloadString)" }).count == 200)
    }
}

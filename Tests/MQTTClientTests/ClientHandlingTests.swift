// `InboundAcknowledgement.afterHandling` against live brokers: what a consumer had not moved past
// when its process stopped is delivered again to the next process with the same client id.

import MQTTClient
import MQTTCodec
import Reactor
import Testing

@Suite("Client: acknowledging after handling, against a live broker") struct ClientHandlingTests {
    @Test(
        "Messages the consumer had not moved past come again after a restart; handled ones do not",
        arguments: BrokerKind.available, [QoS.atLeastOnce, .exactlyOnce])
    func unhandledMessagesComeBack(kind: BrokerKind, qos: QoS) async throws {
        let broker = try LiveBroker(kind)
        let clientID = "worker-\(qos.rawValue)"
        let request = Subscribe.Request(filter: try TopicFilter("work/#"), qos: qos)
        var options = broker.options(clientID, cleanSession: false)
        options.acknowledgement = .afterHandling
        let first = try Client(options)
        let firstStream = first.subscription([request])
        _ = try await first.connect()
        try await waitUntilSubscribed(firstStream)

        let publisher = try Client(broker.options("producer-\(qos.rawValue)"))
        try await publisher.connect()
        for number in 1...5 { try await publisher.publish("work/\(number)", "\(number)", qos: qos) }
        // Taking the third message finishes the first two; the third is handed out, not handled.
        let taken = try await collect(firstStream, count: 3)
        #expect(taken.map(\.payloadString) == ["1", "2", "3"])
        await first.disconnect()
        withExtendedLifetime(firstStream) {}

        let second = try Client(broker.options(clientID, cleanSession: false))
        let secondStream = second.subscription([request])
        #expect(try await second.connect() == true)
        let again = try await collect(secondStream, count: 3)
        #expect(again.map(\.payloadString) == ["3", "4", "5"])
        await second.disconnect()
        await publisher.disconnect()
    }

    @Test(
        "A high-water mark of one still delivers everything, in order, in both acknowledgement modes",
        arguments: BrokerKind.available, [InboundAcknowledgement.onReceipt, .afterHandling])
    func highWaterMarkOfOne(kind: BrokerKind, acknowledgement: InboundAcknowledgement) async throws {
        let broker = try LiveBroker(kind)
        var options = broker.options("trickle")
        options.streamHighWaterMark = 1
        options.acknowledgement = acknowledgement
        let subscriber = try Client(options)
        try await subscriber.connect()
        let stream = try await subscriber.subscribe(["trickle"], qos: .atLeastOnce)
        let publisher = try Client(broker.options("trickler"))
        try await publisher.connect()
        let count = 200
        let publishing = Task {
            for number in 0..<count { try await publisher.publish("trickle", "\(number)", qos: .atLeastOnce) }
        }
        let received = try await collect(stream, count: count, seconds: 20)
        try await publishing.value
        #expect(received.map(\.payloadString) == (0..<count).map { "\($0)" })
        await publisher.disconnect()
        await subscriber.disconnect()
    }
}

/// Waits (bounded) until the broker answered the stream's SUBSCRIBE.
func waitUntilSubscribed(_ stream: MessageStream, seconds: Double = 10) async throws {
    let deadline = ContinuousClock.now.advanced(by: .milliseconds(Int(seconds * 1000)))
    while stream.returnCodes == nil {
        guard ContinuousClock.now < deadline else { throw TimedOut(what: "SUBACK for \(stream.filters)") }
        try await Task.sleep(for: .milliseconds(5))
    }
}

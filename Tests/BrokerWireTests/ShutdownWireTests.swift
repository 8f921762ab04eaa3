// Stopping the broker: what it has acknowledged to a publisher still reaches subscribers that are
// connected, on every loop, before the connections close.

import MQTTBroker
import MQTTCodec
import MQTTTestSupport
import Testing

@Suite("Wire: stopping") struct ShutdownWireTests {
    /// A client id whose sessions live on loop `shard`.
    static func clientID(homedOn shard: Int, in context: BrokerContext, prefix: String) -> String {
        var counter = 0
        while context.homeShard(of: "\(prefix)-\(counter)") != shard { counter += 1 }
        return "\(prefix)-\(counter)"
    }

    @Test("a message acknowledged just before the stop reaches a subscriber on the other loop")
    func acknowledgedMessagesAreDeliveredOnStop() async throws {
        // The stop races the hand-off between loops: repeat, so that a lost message would show.
        let outcomes = try await offCooperativePool { () throws -> [[Packet]] in
            var outcomes: [[Packet]] = []
            for _ in 0..<40 {
                let broker = try TestBroker(threads: 2)
                defer { broker.stop() }
                let context = broker.server.context
                let subscriber = try broker.client()
                try subscriber.connect(clientID: Self.clientID(homedOn: 1, in: context, prefix: "sub"))
                try subscriber.subscribe("drain/t", qos: .atLeastOnce)
                let publisher = try broker.client()
                try publisher.connect(clientID: Self.clientID(homedOn: 0, in: context, prefix: "pub"))
                try publisher.publish("drain/t", "acknowledged", qos: .atLeastOnce)  // PUBACK received
                broker.server.stop()
                outcomes.append(try subscriber.expectClosed())
            }
            return outcomes
        }
        #expect(outcomes.count == 40)
        for before in outcomes {
            let payloads = before.compactMap { packet -> String? in
                if case .publish(let publish) = packet { publish.payload.readableString } else { nil }
            }
            #expect(payloads == ["acknowledged"], "before the close: \(before)")
        }
    }
}

// Issue 4: a fan-out encodes the PUBLISH once, not once per subscriber. A `Message` is its
// pre-encoded frame; every delivery action must reference that one object, whatever QoS each
// subscriber was granted (the loop patches flags and the packet identifier while copying).

import MQTTCodec
import Testing

@testable import MQTTBroker

@Suite struct FanOutEncodingTests {
    @Test("one publish to 100 subscribers at mixed QoS: 100 deliveries of one encoded message")
    func fanOutSharesOneEncoding() {
        var harness = ShardHarness()
        var subscribers: [ConnectionID] = []
        for index in 0..<100 {
            let id = harness.connected("sub-\(index)")
            harness.subscribe(id, "fan/out", qos: QoS(rawValue: UInt8(index % 3))!)
            subscribers.append(id)
        }
        let publisher = harness.connected("pub")
        let actions = harness.publish(publisher, "fan/out", "payload", qos: .exactlyOnce, packetID: 7)
        let released = actions + harness.send(.pubRel(PubRel(packetID: 7)), on: publisher)
        var messages: [Message] = []
        for action in released {
            if case .deliver(_, let message, _, _, _, _) = action { messages.append(message) }
        }
        #expect(messages.count == 100)
        #expect(Set(messages.map(\.identity)).count == 1, "every delivery references the same encoded frame")
        #expect(Set(released.deliveries.map(\.1.qos)) == [.atMostOnce, .atLeastOnce, .exactlyOnce])
    }
}

// `$SYS/broker/...` publication on a manual clock, and the stored message's wire encoding.

import MQTTCodec
import Reactor
import Testing

@testable import MQTTBroker

@Suite struct SystemTopicPublisherTests {
    static let start = Instant(nanoseconds: 5_000_000_000)

    /// Topic → payload; also checks every message is a retained QoS 0 `$SYS` message.
    static func values(_ messages: [Message]) -> [String: String] {
        var values: [String: String] = [:]
        for message in messages {
            #expect(message.qos == .atMostOnce && message.retain, "\(message.topic)")
            #expect(message.topic.string.hasPrefix("$SYS/broker/"))
            values[message.topic.string] = message.payload.readableString
        }
        #expect(values.count == messages.count, "each topic once per tick")
        return values
    }

    @Test("the first tick publishes version, uptime and the client and message counters, retained at QoS 0")
    func firstTick() {
        let context = BrokerContext(limits: BrokerLimits(), shardCount: 1)
        var publisher = SystemTopicPublisher(context: context, intervalSeconds: 10, now: Self.start)
        #expect(publisher.nextPublication == Self.start)
        let values = Self.values(publisher.publish(now: Self.start))
        #expect(values["$SYS/broker/version"] == SystemTopicPublisher.version)
        #expect(values["$SYS/broker/uptime"] == "0 seconds")
        for topic in [
            "clients/connected", "clients/disconnected", "clients/total", "clients/maximum", "messages/received",
            "publish/messages/dropped", "retained messages/count", "subscriptions/count",
        ] {
            #expect(values["$SYS/broker/\(topic)"] == "0", "\(topic)")
        }
        #expect(!values.keys.contains { $0.hasPrefix("$SYS/broker/load/") }, "load needs two samples")
        #expect(publisher.nextPublication == Self.start + .seconds(10))
    }

    @Test("later ticks publish only the values that changed")
    func onlyChanges() {
        let context = BrokerContext(limits: BrokerLimits(), shardCount: 1)
        var publisher = SystemTopicPublisher(context: context, intervalSeconds: 10, now: Self.start)
        _ = publisher.publish(now: Self.start)

        let second = Self.values(publisher.publish(now: Self.start + .seconds(10)))
        #expect(second["$SYS/broker/uptime"] == "10 seconds")
        #expect(second["$SYS/broker/version"] == nil, "the version is published once")
        #expect(second["$SYS/broker/clients/connected"] == nil)
        #expect(second["$SYS/broker/load/publish/dropped/1min"] == "0.00", "first load figures")
        #expect(second.count == 1 + 7 * 3)

        let third = Self.values(publisher.publish(now: Self.start + .seconds(20)))
        #expect(third == ["$SYS/broker/uptime": "20 seconds"])

        context.statistics.clientConnected()
        let fourth = Self.values(publisher.publish(now: Self.start + .seconds(30)))
        #expect(
            fourth == [
                "$SYS/broker/uptime": "30 seconds", "$SYS/broker/clients/connected": "1",
                "$SYS/broker/clients/active": "1",
                "$SYS/broker/clients/total": "1", "$SYS/broker/clients/maximum": "1",
            ])

        context.statistics.publishDropped.increment(by: 60)
        let fifth = Self.values(publisher.publish(now: Self.start + .seconds(40)))
        #expect(fifth["$SYS/broker/publish/messages/dropped"] == "60")
        #expect(
            Set(fifth.keys.filter { $0.hasPrefix("$SYS/broker/load/") }) == [
                "$SYS/broker/load/publish/dropped/1min", "$SYS/broker/load/publish/dropped/5min",
                "$SYS/broker/load/publish/dropped/15min",
            ])
        // 60 drops in 10 s is 360 a minute, weighted in with exp(-10/60) over one minute.
        #expect(fifth["$SYS/broker/load/publish/dropped/1min"] == "55.27")
    }

    @Test("an interval below one second is raised to one")
    func minimumInterval() {
        let context = BrokerContext(limits: BrokerLimits(), shardCount: 1)
        var publisher = SystemTopicPublisher(context: context, intervalSeconds: 0, now: Self.start)
        _ = publisher.publish(now: Self.start)
        #expect(publisher.nextPublication == Self.start + .seconds(1))
    }

    @Test("routed through a shard, $SYS messages are retained and reach only `$SYS` filters [MQTT-4.7.2-1]")
    func routed() {
        var harness = ShardHarness()
        let everything = harness.connected("everything")
        harness.subscribe(everything, "#")
        let system = harness.connected("system")
        harness.subscribe(system, "$SYS/broker/clients/+")
        var publisher = SystemTopicPublisher(context: harness.context, intervalSeconds: 10, now: harness.now)
        var actions: [BrokerAction] = []
        for message in publisher.publish(now: harness.now) { harness.shards[0].route(message, actions: &actions) }
        #expect(actions.delivered(to: everything).isEmpty)
        let clients = actions.delivered(to: system)
        #expect(clients.contains(Delivered(topic: "$SYS/broker/clients/connected", payload: "2")))
        #expect(clients.allSatisfy { $0.qos == .atMostOnce && !$0.retain }, "RETAIN 0 on normal forwarding")
        #expect(harness.context.retained.count > 10)
        let late = harness.connected("late")
        let retained = harness.subscribe(late, "$SYS/broker/version").delivered(to: late)
        #expect(
            retained == [Delivered(topic: "$SYS/broker/version", payload: SystemTopicPublisher.version, retain: true)])
    }
}

@Suite struct MessageEncodingTests {
    static let flags: [(QoS, Bool, Bool)] = QoS.allCases.flatMap { qos in
        [(qos, false, false), (qos, true, false), (qos, false, true), (qos, true, true)]
    }

    @Test("a stored message encodes as the PUBLISH the codec decodes, for every flag combination", arguments: flags)
    func writePublish(qos: QoS, retain: Bool, dup: Bool) throws {
        // 122 and 123 bytes put the remaining length on either side of 127 with the packet id; 16378 of 16383.
        let payloads = [
            "", "x", String(repeating: "p", count: 122), String(repeating: "p", count: 123),
            String(repeating: "p", count: 300), String(repeating: "p", count: 16378),
        ]
        for payload in payloads {
            let stored = message("a/b", payload, qos: .exactlyOnce)
            let packetID: PacketID? = qos == .atMostOnce ? nil : 513
            var out = ByteBuffer()
            stored.writePublish(into: &out, qos: qos, packetID: packetID, retain: retain, dup: dup)
            #expect(out.readableBytes == stored.encodedSize(qos: qos))
            let expected = stored.publish(qos: qos, packetID: packetID, retain: retain, dup: dup)
            #expect(out == Packet.publish(expected).encoded(), "byte for byte what the codec writes")
            let decoded = try PacketDecoder().decode(from: &out)
            #expect(decoded == .publish(expected))
            #expect(out.readableBytes == 0)
        }
    }

    @Test("the stored message keeps topic and payload, whatever the buffer they came from")
    func topicAndPayload() {
        let stored = Message.make(
            Publish(
                topic: topicName("t/ü"), payload: ByteBuffer(string: "payload"), qos: .atLeastOnce, packetID: 3,
                retain: true))
        #expect(stored.topic.string == "t/ü")
        #expect(stored.payload.readableString == "payload")
        #expect(stored.payloadLength == 7)
        #expect(stored.qos == .atLeastOnce && stored.retain)
    }
}

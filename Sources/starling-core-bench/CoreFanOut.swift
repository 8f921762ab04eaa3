// One shard with S subscribers of one topic and one publisher, driven through the shard's public
// packet interface, as the event loop drives it.

import MQTTBroker
import MQTTCodec
import Reactor

struct CoreFanOut {
    let subscribers: Int
    let qosOf: (Int) -> QoS

    struct Frames {
        var deliveries = 0
        var frames = 0
        var qosLevels: [UInt8] = []
    }

    struct Timing {
        var deliveries = 0
        var frames = 0
        var seconds = 0.0
        var nanosecondsPerDelivery: Double { seconds * 1e9 / Double(max(1, deliveries)) }
        var nanosecondsPerPublish = 0.0
    }

    static let topic = try! TopicName("fan/out")
    static let payload = ByteBuffer(bytes: [UInt8](repeating: 0x61, count: 64))

    /// A shard with the subscribers connected and subscribed; returns it and the publisher's id.
    func makeShard() -> (BrokerShard, ConnectionID) {
        let context = BrokerContext(limits: BrokerLimits(), shardCount: 1)
        var shard = BrokerShard(index: 0, context: context)
        var actions: [BrokerAction] = []
        let now = Instant.now()
        let filter = try! TopicFilter("fan/out")
        for index in 0..<subscribers {
            let id = ConnectionID(slot: UInt32(index), generation: 1)
            shard.connectionOpened(id, peer: "core", now: now)
            shard.received(.connect(Connect(clientID: "sub-\(index)")), on: id, now: now, actions: &actions)
            let request = Subscribe.Request(filter: filter, qos: qosOf(index))
            shard.received(
                .subscribe(Subscribe(packetID: 1, requests: [request])), on: id, now: now, actions: &actions)
        }
        let publisher = ConnectionID(slot: UInt32(subscribers), generation: 1)
        shard.connectionOpened(publisher, peer: "core", now: now)
        shard.received(.connect(Connect(clientID: "publisher")), on: publisher, now: now, actions: &actions)
        return (shard, publisher)
    }

    /// QoS 2 publishes (delivered at PUBREL, each at its subscription's QoS): deliveries and
    /// distinct encoded frames per publish, averaged. Stays below the in-flight window.
    func framesPerPublish(publishes: Int) -> Frames {
        var (shard, publisher) = makeShard()
        var result = Frames()
        var levels: Set<UInt8> = []
        var actions: [BrokerAction] = []
        let now = Instant.now()
        for number in 1...publishes {
            let id = PacketID(rawValue: UInt16(number))!
            let publish = Publish(topic: Self.topic, payload: Self.payload, qos: .exactlyOnce, packetID: id)
            actions.removeAll(keepingCapacity: true)
            shard.received(.publish(publish), on: publisher, now: now, actions: &actions)
            shard.received(.pubRel(PubRel(packetID: id)), on: publisher, now: now, actions: &actions)
            var frames: Set<ObjectIdentifier> = []
            for action in actions {
                guard case .deliver(_, let message, let qos, _, _, _) = action else { continue }
                result.deliveries += 1
                frames.insert(message.identity)
                levels.insert(qos.rawValue)
            }
            result.frames += frames.count
        }
        result.deliveries /= publishes
        result.frames /= publishes
        result.qosLevels = levels.sorted()
        return result
    }

    /// QoS 0 publishes routed and every delivery copied into its subscriber's output buffer.
    func timeQoS0(publishes: Int) -> Timing {
        var (shard, publisher) = makeShard()
        var outputs = [ByteBuffer](repeating: ByteBuffer(capacity: 0), count: subscribers)
        var actions: [BrokerAction] = []
        actions.reserveCapacity(subscribers + 4)
        var timing = Timing()
        var frames: Set<ObjectIdentifier> = []
        let publish = Publish(topic: Self.topic, payload: Self.payload)
        let now = Instant.now()
        let start = Instant.now()
        for number in 0..<publishes {
            actions.removeAll(keepingCapacity: true)
            shard.received(.publish(publish), on: publisher, now: now, actions: &actions)
            for action in actions {
                guard case .deliver(let id, let message, let qos, let packetID, let retain, let dup) = action else {
                    continue
                }
                let slot = Int(id.slot)
                if outputs[slot].readableBytes > 1 << 16 { outputs[slot].clear() }
                message.writePublish(into: &outputs[slot], qos: qos, packetID: packetID, retain: retain, dup: dup)
                timing.deliveries += 1
                if number == 0 { frames.insert(message.identity) }
            }
        }
        let elapsed = Instant.now().nanoseconds - start.nanoseconds
        timing.seconds = Double(elapsed) / 1e9
        timing.nanosecondsPerPublish = Double(elapsed) / Double(publishes)
        timing.frames = frames.count
        return timing
    }
}

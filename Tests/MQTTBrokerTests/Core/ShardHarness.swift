// A driver for `BrokerShard` on a manual clock: no sockets, no threads, no sleeps. Connections are
// numbered per shard; every call returns the actions the shard produced, and the helpers below turn
// those actions back into the packets a client would see.

import MQTTCodec
import Reactor

@testable import MQTTBroker

/// One broker context, its shards and a clock that moves only when a test says so.
struct ShardHarness {
    let context: BrokerContext
    var shards: [BrokerShard]
    private(set) var now = Instant(nanoseconds: 1_000_000_000)
    private var nextSlot: UInt32 = 0
    private var shardOfConnection: [ConnectionID: Int] = [:]

    init(limits: BrokerLimits = BrokerLimits(), shardCount: Int = 1) {
        let context = BrokerContext(limits: limits, shardCount: shardCount)
        self.context = context
        shards = (0..<shardCount).map { BrokerShard(index: $0, context: context) }
    }

    /// The single shard of a one-shard harness.
    var shard: BrokerShard { shards[0] }

    mutating func advance(by duration: Duration) {
        now = now + duration
    }

    // MARK: Events

    /// A new TCP connection on `shard`.
    mutating func open(peer: String = "127.0.0.1:50000", shard: Int = 0) -> ConnectionID {
        let id = ConnectionID(slot: nextSlot, generation: 1)
        nextSlot += 1
        shardOfConnection[id] = shard
        shards[shard].connectionOpened(id, peer: peer, now: now)
        return id
    }

    /// A packet from the client on `id`.
    @discardableResult
    mutating func send(_ packet: Packet, on id: ConnectionID) -> [BrokerAction] {
        var actions: [BrokerAction] = []
        shards[shard(of: id)].received(packet, on: id, now: now, actions: &actions)
        shards[shard(of: id)].flushStatistics()  // as the loop does at the end of each pass
        return actions
    }

    /// Bytes on `id` that did not decode.
    mutating func decodeFailed(_ error: DecodeError, on id: ConnectionID) -> [BrokerAction] {
        var actions: [BrokerAction] = []
        shards[shard(of: id)].decodeFailed(error, on: id, actions: &actions)
        return actions
    }

    /// The peer went away without the core closing the connection.
    @discardableResult
    mutating func lose(_ id: ConnectionID, reason: CloseReason = .peerClosed) -> [BrokerAction] {
        var actions: [BrokerAction] = []
        shards[shard(of: id)].connectionLost(id, reason: reason, actions: &actions)
        return actions
    }

    /// Runs the timeout check of every shard at the current time.
    mutating func checkTimeouts() -> [BrokerAction] {
        var actions: [BrokerAction] = []
        for index in shards.indices { shards[index].checkTimeouts(now: now, actions: &actions) }
        return actions
    }

    /// Performs the cross-shard hand-offs in `actions` as the loops would, and returns what the
    /// receiving shards did.
    mutating func performForwards(_ actions: [BrokerAction]) -> [BrokerAction] {
        var produced: [BrokerAction] = []
        for action in actions {
            switch action {
            case .forward(let message, let target): shards[target].deliverForwarded(message, actions: &produced)
            case .forwardShared(let message, let delivery):
                shards[delivery.shard].deliverShared(message, delivery, actions: &produced)
            default: break
            }
        }
        return produced
    }

    func shard(of id: ConnectionID) -> Int {
        guard let shard = shardOfConnection[id] else { preconditionFailure("connection \(id) was never opened") }
        return shard
    }

    // MARK: Conversations

    /// Opens a connection and sends CONNECT on it.
    mutating func connect(
        _ clientID: String, cleanSession: Bool = true, keepAlive: UInt16 = 60, will: Will? = nil,
        username: String? = nil, shard: Int = 0
    ) -> (ConnectionID, [BrokerAction]) {
        let id = open(shard: shard)
        let connect = Connect(
            clientID: clientID, cleanSession: cleanSession, keepAlive: keepAlive, will: will, username: username)
        return (id, send(.connect(connect), on: id))
    }

    /// Connects and checks nothing: for clients whose CONNACK is not the point of the test.
    mutating func connected(
        _ clientID: String, cleanSession: Bool = true, will: Will? = nil, username: String? = nil, shard: Int = 0
    ) -> ConnectionID {
        connect(clientID, cleanSession: cleanSession, will: will, username: username, shard: shard).0
    }

    @discardableResult
    mutating func subscribe(
        _ id: ConnectionID, _ filters: [(String, QoS)], packetID: PacketID = 1
    ) -> [BrokerAction] {
        let requests = filters.map { Subscribe.Request(filter: filter($0.0), qos: $0.1) }
        return send(.subscribe(Subscribe(packetID: packetID, requests: requests)), on: id)
    }

    @discardableResult
    mutating func subscribe(_ id: ConnectionID, _ filter: String, qos: QoS = .atMostOnce) -> [BrokerAction] {
        subscribe(id, [(filter, qos)])
    }

    @discardableResult
    mutating func publish(
        _ id: ConnectionID, _ topic: String, _ payload: String, qos: QoS = .atMostOnce, packetID: PacketID? = nil,
        retain: Bool = false, dup: Bool = false
    ) -> [BrokerAction] {
        let identifier = qos == .atMostOnce ? nil : (packetID ?? 1)
        let publish = Publish(
            topic: topicName(topic), payload: ByteBuffer(string: payload), qos: qos, packetID: identifier,
            retain: retain, dup: dup)
        return send(.publish(publish), on: id)
    }

    /// Publishes and, for QoS 2, releases the message with PUBREL at once: what a well-behaved
    /// publisher does, so the message is routed whatever its QoS.
    @discardableResult
    mutating func publishReleased(
        _ id: ConnectionID, _ topic: String, _ payload: String, qos: QoS = .atMostOnce, packetID: PacketID = 1,
        retain: Bool = false
    ) -> [BrokerAction] {
        var actions = publish(id, topic, payload, qos: qos, packetID: packetID, retain: retain)
        if qos == .exactlyOnce { actions += send(.pubRel(PubRel(packetID: packetID)), on: id) }
        return actions
    }
}

// MARK: Values

func topicName(_ string: String) -> TopicName {
    do { return try TopicName(string) } catch { preconditionFailure("invalid topic name \(string): \(error)") }
}

func filter(_ string: String) -> TopicFilter {
    do { return try TopicFilter(string) } catch { preconditionFailure("invalid topic filter \(string): \(error)") }
}

func message(_ topic: String, _ payload: String, qos: QoS = .atMostOnce, retain: Bool = false) -> Message {
    Message.make(topic: topicName(topic), payload: ByteBuffer(string: payload), qos: qos, retain: retain)
}

func will(_ topic: String, _ payload: String, qos: QoS = .atMostOnce, retain: Bool = false) -> Will {
    Will(topic: topicName(topic), payload: ByteBuffer(string: payload), qos: qos, retain: retain)
}

/// A PUBLISH as the client receives it, in terms easy to compare.
struct Delivered: Equatable, CustomStringConvertible {
    var topic: String
    var payload: String
    var qos: QoS = .atMostOnce
    var packetID: UInt16? = nil
    var retain = false
    var dup = false

    var description: String {
        var text = "\(topic)=\(payload) q\(qos.rawValue)"
        if let packetID { text += " #\(packetID)" }
        if retain { text += " retain" }
        if dup { text += " dup" }
        return text
    }
}

// MARK: Reading actions

extension Array where Element == BrokerAction {
    /// The packets written to `id`, in order, deliveries rendered as PUBLISH.
    func packets(to id: ConnectionID) -> [Packet] {
        compactMap { action in
            switch action {
            case .send(let target, let packet) where target == id: packet
            case .acknowledge(let target, let acknowledgement) where target == id: acknowledgement.packet
            case .deliver(let target, let message, let qos, let packetID, let retain, let dup) where target == id:
                .publish(message.publish(qos: qos, packetID: packetID, retain: retain, dup: dup))
            default: nil
            }
        }
    }

    /// The PUBLISH packets delivered to `id`, in order.
    func delivered(to id: ConnectionID) -> [Delivered] {
        compactMap { action in
            guard case .deliver(let target, let message, let qos, let packetID, let retain, let dup) = action,
                target == id
            else { return nil }
            return Delivered(
                topic: message.topic.string, payload: message.payload.readableString, qos: qos,
                packetID: packetID?.rawValue, retain: retain, dup: dup)
        }
    }

    /// Every PUBLISH delivered, to any connection.
    var deliveries: [(ConnectionID, Delivered)] {
        compactMap { action in
            guard case .deliver(let target, let message, let qos, let packetID, let retain, let dup) = action else {
                return nil
            }
            let delivered = Delivered(
                topic: message.topic.string, payload: message.payload.readableString, qos: qos,
                packetID: packetID?.rawValue, retain: retain, dup: dup)
            return (target, delivered)
        }
    }

    /// The CONNACKs sent to `id`.
    func connAcks(to id: ConnectionID) -> [ConnAck] {
        packets(to: id).compactMap { if case .connAck(let ack) = $0 { ack } else { nil } }
    }

    /// The SUBACK return codes sent to `id`, concatenated.
    func subAckCodes(to id: ConnectionID) -> [SubAckReturnCode] {
        packets(to: id).flatMap { packet -> [SubAckReturnCode] in
            if case .subAck(let ack) = packet { ack.returnCodes } else { [] }
        }
    }

    /// Every connection the core asked to close, with the reason, in order.
    var closes: [(ConnectionID, CloseReason)] {
        compactMap { if case .close(let id, let reason) = $0 { (id, reason) } else { nil } }
    }

    /// Why `id` was closed, nil if it was not.
    func closeReason(of id: ConnectionID) -> CloseReason? {
        closes.first { $0.0 == id }?.1
    }

    /// The shards messages were forwarded to, with the messages.
    var forwards: [(Message, Int)] {
        compactMap { if case .forward(let message, let shard) = $0 { (message, shard) } else { nil } }
    }

    var sharedForwards: [(Message, SharedDelivery)] {
        compactMap { if case .forwardShared(let message, let delivery) = $0 { (message, delivery) } else { nil } }
    }
}

/// SplitMix64: a seeded generator, so randomised tests repeat exactly.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

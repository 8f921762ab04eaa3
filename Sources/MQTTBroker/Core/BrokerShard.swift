// A shard is the part of the broker one loop owns: the connections on that loop and the sessions
// whose client id hashes to it (`BrokerContext.homeShard`). It is sans-I/O: events come in as
// method calls with the current time, and what must happen on the wire goes out as `BrokerAction`s.
// Nothing here blocks, reads a clock or touches a socket, so every rule is testable on a manual clock.

import MQTTCodec
import Reactor

/// The connection bookkeeping of a shard. Trivial (no references), so reading it on the packet path
/// costs no retain or release; the peer's address lives in `BrokerShard.connectionPeers`.
struct ConnectionRecord {
    let id: ConnectionID
    let openedAt: Instant
    var lastReceived: Instant
    /// Seconds, from CONNECT; zero means no keep alive.
    var keepAlive: UInt16 = 0
    /// The attached session's slot, nil until CONNECT is accepted.
    var session: Int32?
}

/// The sans-I/O broker state of one loop.
public struct BrokerShard {
    public let index: Int
    let context: BrokerContext
    var limits: BrokerLimits { context.limits }

    /// Indexed by `ConnectionID.slot`.
    var connections: [ConnectionRecord?] = []
    /// `host:port` of each connection's peer, for logs; indexed like `connections`.
    var connectionPeers: [String] = []
    var sessionSlots: [ClientIDKey: Int32] = [:]
    var sessions: [Session?] = []
    /// The connection attached to each session slot, nil while offline. Kept beside `sessions`
    /// rather than in `Session`: reading a field through `sessions[slot]!` copies the whole session
    /// (a retain per collection in it), and the publish path needs this one on every delivery.
    var sessionConnections: [ConnectionID?] = []
    private var freeSessionSlots: [Int32] = []
    let tree = SubscriptionTree<Int32>()
    /// The time of the latest event, for timestamps taken where no event time is passed in.
    var latestTime = Instant(nanoseconds: 0)

    // Scratch space reused across calls so the publish path does not allocate.
    var matches: [(Int32, QoS)] = []
    /// PUBLISH packets received since `flushStatistics`: added to the shared atomic once per loop
    /// pass, not once per message from every loop.
    var publishesReceived = 0
    var sharedDeliveries: [SharedDelivery] = []
    var releases: [(PacketID?, PendingDelivery)] = []
    var dedupeEpoch: UInt32 = 0
    var dedupeSeen: [UInt32] = []
    var dedupeQoS: [QoS] = []
    var dedupeOrder: [Int32] = []

    public init(index: Int, context: BrokerContext) {
        self.index = index
        self.context = context
    }

    /// Number of connections on this shard.
    public var connectionCount: Int { connections.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }

    /// Number of sessions homed on this shard, connected or not.
    public var sessionCount: Int { sessionSlots.count }

    // MARK: Connection records

    /// Whether `id` is a current connection, without copying its record.
    func isLive(_ id: ConnectionID) -> Bool {
        let slot = Int(id.slot)
        return slot < connections.count && connections[slot]?.id == id
    }

    func record(_ id: ConnectionID) -> ConnectionRecord? {
        let slot = Int(id.slot)
        guard slot < connections.count, let record = connections[slot], record.id == id else { return nil }
        return record
    }

    /// A new TCP connection; it must send CONNECT before anything else [MQTT-3.1.0-1].
    public mutating func connectionOpened(_ id: ConnectionID, peer: String, now: Instant) {
        let slot = Int(id.slot)
        if slot >= connections.count {
            connections.append(contentsOf: repeatElement(nil, count: slot + 1 - connections.count))
            connectionPeers.append(contentsOf: repeatElement("", count: slot + 1 - connectionPeers.count))
        }
        connections[slot] = ConnectionRecord(id: id, openedAt: now, lastReceived: now)
        connectionPeers[slot] = peer
        latestTime = now
    }

    /// The peer address of a connection, as `host:port`.
    public func peer(of id: ConnectionID) -> String? { isLive(id) ? connectionPeers[Int(id.slot)] : nil }

    /// The client id of a connected connection (logs).
    public func clientID(of id: ConnectionID) -> String? {
        guard let slot = record(id)?.session else { return nil }
        return sessions[Int(slot)]?.clientID
    }

    /// The client ids of the sessions homed here (diagnostics, tests).
    var clientIDs: [String] { sessionSlots.keys.map(\.id) }

    /// The session of `clientID`, if this shard has one (diagnostics, tests).
    func session(of clientID: String) -> Session? {
        sessionSlots[ClientIDKey(clientID)].flatMap { sessions[Int($0)] }
    }

    // MARK: Sessions

    mutating func createSession(clientID: String, cleanSession: Bool) -> Int32 {
        let session = Session(clientID: clientID, cleanSession: cleanSession, limits: limits)
        let slot: Int32
        if let free = freeSessionSlots.popLast() {
            slot = free
            sessions[Int(slot)] = session
            sessionConnections[Int(slot)] = nil
        } else {
            slot = Int32(sessions.count)
            sessions.append(session)
            sessionConnections.append(nil)
            dedupeSeen.append(0)
            dedupeQoS.append(.atMostOnce)
        }
        sessionSlots[ClientIDKey(clientID)] = slot
        return slot
    }

    /// Drops a session and all its subscriptions.
    mutating func discardSession(_ slot: Int32) {
        guard let session = sessions[Int(slot)] else { return }
        for (filterString, subscription) in session.subscriptions {
            guard let filter = try? TopicFilter(filterString) else { continue }  // it was valid when stored
            removeSubscription(subscription, filter: filter, sessionSlot: slot, clientID: session.clientID)
        }
        sessionSlots[ClientIDKey(session.clientID)] = nil
        sessions[Int(slot)] = nil
        sessionConnections[Int(slot)] = nil
        freeSessionSlots.append(slot)
    }

    mutating func removeSubscription(
        _ subscription: SessionSubscription, filter: TopicFilter, sessionSlot: Int32, clientID: String
    ) {
        if let shared = subscription.shared {
            context.sharedSubscriptions.unsubscribe(shared, clientID: clientID)
        } else if tree.remove(filter, subscriber: sessionSlot) {
            context.adjustSubscriptionCount(shard: index, by: -1)
        }
    }
}

// Shared subscriptions, `$share/<group>/<filter>`, as Mosquitto offers them to MQTT 3.1.1 clients:
// each matching message goes to one member of each group, round-robin. Members may live on any loop,
// so the groups are shared and behind a mutex; a lock-free count lets a publish skip them entirely
// while nobody uses them.

import MQTTCodec
import Synchronization

/// A parsed `$share/<group>/<filter>` subscription request.
public struct SharedFilter: Sendable, Hashable {
    public let group: String
    public let filter: TopicFilter

    /// Parses `string` if it starts with `$share/`: nil for an ordinary filter, a thrown error for a
    /// malformed share (empty group, wildcard in the group, missing filter).
    public static func parse(_ filter: TopicFilter) -> Result<SharedFilter, SharedFilterError>? {
        let prefix = "$share/"
        guard filter.string.hasPrefix(prefix) else { return nil }
        let rest = filter.string.dropFirst(prefix.count)
        guard let slash = rest.firstIndex(of: "/") else { return .failure(.missingFilter) }
        let group = String(rest[..<slash])
        guard !group.isEmpty else { return .failure(.emptyGroup) }
        guard !group.contains("+") && !group.contains("#") else { return .failure(.wildcardInGroup) }
        let filterString = String(rest[rest.index(after: slash)...])
        guard let inner = try? TopicFilter(filterString) else { return .failure(.missingFilter) }
        return .success(SharedFilter(group: group, filter: inner))
    }
}

/// Why a `$share/...` filter is malformed.
public enum SharedFilterError: Error, Sendable {
    case emptyGroup
    case wildcardInGroup
    case missingFilter
}

/// Which session should receive one message of a shared subscription.
public struct SharedDelivery: Sendable {
    public let shard: Int
    public let clientID: String
    public let qos: QoS
}

/// All shared-subscription groups of the broker.
public final class SharedSubscriptions: Sendable {
    private struct Member: Hashable {
        let shard: Int
        let clientID: String
        var qos: QoS
    }

    private struct Group {
        let filter: TopicFilter
        var members: [Member] = []
        var next = 0
    }

    /// Groups in an array so routing can advance each round-robin in place; an index finds them by key.
    private struct Groups {
        var index: [SharedFilter: Int] = [:]
        var list: [Group?] = []
        var free: [Int] = []
    }

    private let groups = Mutex(Groups())
    private let memberCount = Atomic<Int>(0)

    public init() {}

    /// Adds or updates a member. Returns true if it was new.
    @discardableResult
    public func subscribe(_ shared: SharedFilter, shard: Int, clientID: String, qos: QoS) -> Bool {
        let added = groups.withLock { groups in
            let position: Int
            if let existing = groups.index[shared] {
                position = existing
            } else if let reused = groups.free.popLast() {
                position = reused
                groups.list[position] = Group(filter: shared.filter)
                groups.index[shared] = position
            } else {
                position = groups.list.count
                groups.list.append(Group(filter: shared.filter))
                groups.index[shared] = position
            }
            if let member = groups.list[position]!.members.firstIndex(where: { $0.clientID.sameBytes(as: clientID) }) {
                groups.list[position]!.members[member].qos = qos
                return false
            }
            groups.list[position]!.members.append(Member(shard: shard, clientID: clientID, qos: qos))
            return true
        }
        if added { memberCount.add(1, ordering: .relaxed) }
        return added
    }

    /// Removes a member. Returns true if it was there.
    @discardableResult
    public func unsubscribe(_ shared: SharedFilter, clientID: String) -> Bool {
        let removed = groups.withLock { groups in
            guard let position = groups.index[shared],
                let member = groups.list[position]!.members.firstIndex(where: { $0.clientID.sameBytes(as: clientID) })
            else { return false }
            groups.list[position]!.members.remove(at: member)
            if groups.list[position]!.next > member { groups.list[position]!.next -= 1 }
            if groups.list[position]!.members.isEmpty {
                groups.list[position] = nil
                groups.index[shared] = nil
                groups.free.append(position)
            }
            return true
        }
        if removed { memberCount.subtract(1, ordering: .relaxed) }
        return removed
    }

    /// Picks one member of every group whose filter matches the topic, advancing each round-robin.
    public func route(topicBytes: UnsafeRawBufferPointer, into deliveries: inout [SharedDelivery]) {
        guard memberCount.load(ordering: .relaxed) > 0 else { return }
        groups.withLock { groups in
            for position in groups.list.indices {
                guard let group = groups.list[position], group.filter.matches(topicBytes: topicBytes) else { continue }
                let member = group.members[group.next % group.members.count]
                groups.list[position]!.next = (group.next + 1) % group.members.count
                deliveries.append(SharedDelivery(shard: member.shard, clientID: member.clientID, qos: member.qos))
            }
        }
    }

    /// Number of (group, member) subscriptions.
    public var count: Int { memberCount.load(ordering: .relaxed) }
}

// What all shards of one broker share. Everything here is either immutable or synchronised itself.

import Synchronization

/// The shared parts of a running broker.
public final class BrokerContext: Sendable {
    public let limits: BrokerLimits
    public let shardCount: Int
    public let retained = RetainedStore()
    public let sharedSubscriptions = SharedSubscriptions()
    public let statistics = BrokerStatistics()
    /// Ordinary (non-shared) subscriptions held by each shard's sessions: a publish skips shards
    /// with none.
    private let subscriptionCounts: [Counter]

    public init(limits: BrokerLimits, shardCount: Int) {
        precondition(shardCount >= 1, "a broker has at least one shard")
        self.limits = limits
        self.shardCount = shardCount
        self.subscriptionCounts = (0..<shardCount).map { _ in Counter() }
    }

    func adjustSubscriptionCount(shard: Int, by delta: Int) {
        subscriptionCounts[shard].value.add(delta, ordering: .relaxed)
        statistics.subscriptions.add(delta, ordering: .relaxed)
    }

    func shardHasSubscriptions(_ shard: Int) -> Bool {
        subscriptionCounts[shard].value.load(ordering: .relaxed) > 0
    }

    /// The shard that owns sessions of `clientID`: a stable hash (FNV-1a), so a client id always
    /// lands on the same shard and takeover and resumption stay local to it.
    public func homeShard(of clientID: String) -> Int {
        guard shardCount > 1 else { return 0 }
        return Int(fnv1a64(clientID.utf8) % UInt64(shardCount))
    }
}

/// An atomic counter that can live in an array.
final class Counter: Sendable {
    let value = Atomic<Int>(0)
}

// Counters behind `$SYS/broker/...`, updated from every loop with relaxed atomics (they are
// statistics: no ordering with anything else is implied).

import Synchronization

/// Broker-wide counters.
public final class BrokerStatistics: Sendable {
    public let messagesReceived = Atomic<Int>(0)
    public let messagesSent = Atomic<Int>(0)
    public let publishReceived = Atomic<Int>(0)
    public let publishSent = Atomic<Int>(0)
    public let publishDropped = Atomic<Int>(0)
    public let bytesReceived = Atomic<Int>(0)
    public let bytesSent = Atomic<Int>(0)
    public let clientsConnected = Atomic<Int>(0)
    public let clientsMaximum = Atomic<Int>(0)
    /// Sessions that are not connected but persist (clean session 0).
    public let clientsDisconnected = Atomic<Int>(0)
    public let subscriptions = Atomic<Int>(0)

    public init() {}

    /// Records a connection and raises the maximum if needed.
    public func clientConnected() {
        let now = clientsConnected.add(1, ordering: .relaxed).newValue
        var maximum = clientsMaximum.load(ordering: .relaxed)
        while now > maximum {
            let (exchanged, original) = clientsMaximum.compareExchange(
                expected: maximum, desired: now, ordering: .relaxed)
            if exchanged { break }
            maximum = original
        }
    }
}

extension Atomic where Value == Int {
    /// Relaxed increment, for counters.
    public func increment(by amount: Int = 1) {
        add(amount, ordering: .relaxed)
    }

    public var value: Int { load(ordering: .relaxed) }
}

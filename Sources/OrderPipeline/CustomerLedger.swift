// `shop customer` keeps one ledger: it records each order it places, matches the notifications
// that come back, and settles every order exactly once as delivered, rejected or timed out.
//
// A `duplicate` rejection for an order this customer placed once means its own message reached
// the order agent twice (a redelivery), while the real answer for the first copy is still on its
// way; so a duplicate answer does not settle the order. If nothing else arrives before the
// deadline, the order settles as rejected "duplicate" (its id was taken by someone else).
//
// Every notification past an order's first is counted as repeated, and one for an order this
// customer never placed as unknown, so a run can show that each order was answered exactly once.

/// How an order placed by the customer ended.
public enum OrderOutcome: Sendable, Hashable {
    case delivered(trackingNumber: String)
    case rejected(reason: String)
    case timedOut
}

/// An order that got its answer, or whose deadline passed.
public struct SettledOrder: Sendable, Hashable {
    public var orderID: OrderID
    public var outcome: OrderOutcome
    /// From placing the order to its answer; the timeout for a time-out.
    public var latency: Duration

    public init(orderID: OrderID, outcome: OrderOutcome, latency: Duration) {
        self.orderID = orderID
        self.outcome = outcome
        self.latency = latency
    }

    /// For the customer's log, for example `[CUSTOMER] delivered order 10202 in 812.3 ms, tracking SLG-…`.
    public var line: String {
        let tag = ShopRole.customer.logTag
        switch outcome {
        case .delivered(let trackingNumber):
            return
                "\(tag) delivered order \(orderID) in \(LatencyPercentiles.format(latency)), tracking \(trackingNumber)"
        case .rejected(let reason):
            return "\(tag) rejected order \(orderID) in \(LatencyPercentiles.format(latency)): \(reason)"
        case .timedOut:
            return "\(tag) timed out order \(orderID) after \(LatencyPercentiles.format(latency))"
        }
    }
}

/// The customer's record of its orders. Times are instants of any clock (the runner uses
/// `ContinuousClock`), so latencies do not depend on wall-clock adjustments.
public struct CustomerLedger<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    private enum Entry: Sendable {
        /// `duplicateAt`: when a `duplicate` answer came, if one did.
        case pending(placedAt: Instant, duplicateAt: Instant?)
        case settled
    }

    /// How long an order may wait for its answer.
    public let timeout: Duration
    private var entries: [OrderID: Entry] = [:]
    /// Orders in the order they settled.
    public private(set) var settled: [SettledOrder] = []
    /// Notifications for an order that was answered before (a second answer, or any answer after
    /// a `duplicate`).
    public private(set) var repeatedCount = 0
    /// Notifications for an order this ledger did not place.
    public private(set) var unknownCount = 0

    public init(timeout: Duration) {
        self.timeout = timeout
    }

    /// Orders placed so far.
    public var placedCount: Int { entries.count }
    /// Orders still waiting for their answer.
    public var pendingCount: Int { entries.count - settled.count }

    /// Records an order placed at `time`.
    /// - Returns: false if this ledger has already placed an order with this id (nothing changes).
    @discardableResult
    public mutating func placed(_ orderID: OrderID, at time: Instant) -> Bool {
        guard entries[orderID] == nil else { return false }
        entries[orderID] = .pending(placedAt: time, duplicateAt: nil)
        return true
    }

    /// Matches a notification received at `time` with its order.
    /// - Returns: the order it settles; nil for a notification of an order not placed here
    ///   (counted in `unknownCount`), already settled (counted in `repeatedCount`), or answered
    ///   `duplicate` (see the note at the top of the file).
    public mutating func received(_ notification: CustomerNotification, at time: Instant) -> SettledOrder? {
        let placedAt: Instant
        let duplicateAt: Instant?
        switch entries[notification.orderID] {
        case nil:
            unknownCount += 1
            return nil
        case .settled:
            repeatedCount += 1
            return nil
        case .pending(let placed, let duplicate):
            if duplicate != nil { repeatedCount += 1 }
            (placedAt, duplicateAt) = (placed, duplicate)
        }
        switch notification.outcome {
        case .rejected(let reason) where reason == RejectionReason.duplicateText:
            entries[notification.orderID] = .pending(placedAt: placedAt, duplicateAt: duplicateAt ?? time)
            return nil
        case .delivered(let trackingNumber):
            return settle(
                notification.orderID, .delivered(trackingNumber: trackingNumber), latency: placedAt.duration(to: time))
        case .rejected(let reason):
            return settle(notification.orderID, .rejected(reason: reason), latency: placedAt.duration(to: time))
        }
    }

    /// Settles every order whose deadline is at or before `now`, oldest first.
    public mutating func expire(now: Instant) -> [SettledOrder] {
        var due: [(orderID: OrderID, placedAt: Instant, duplicateAt: Instant?)] = []
        for (orderID, entry) in entries {
            if case .pending(let placedAt, let duplicateAt) = entry, placedAt.advanced(by: timeout) <= now {
                due.append((orderID, placedAt, duplicateAt))
            }
        }
        due.sort { ($0.placedAt, $0.orderID) < ($1.placedAt, $1.orderID) }
        return due.map { order in
            if let duplicateAt = order.duplicateAt {
                return settle(
                    order.orderID, .rejected(reason: RejectionReason.duplicateText),
                    latency: order.placedAt.duration(to: duplicateAt))
            }
            return settle(order.orderID, .timedOut, latency: timeout)
        }
    }

    /// The earliest deadline of the pending orders; nil when none is pending.
    public var nextDeadline: Instant? {
        entries.values.compactMap { entry in
            if case .pending(let placedAt, _) = entry { return placedAt.advanced(by: timeout) }
            return nil
        }.min()
    }

    /// The counts so far and the latency of the delivered orders.
    public var summary: LedgerSummary {
        var summary = LedgerSummary(placed: placedCount)
        summary.repeated = repeatedCount
        summary.unknown = unknownCount
        var latencies: [Duration] = []
        for order in settled {
            switch order.outcome {
            case .delivered:
                summary.delivered += 1
                latencies.append(order.latency)
            case .rejected: summary.rejected += 1
            case .timedOut: summary.timedOut += 1
            }
        }
        summary.deliveryLatency = LatencyPercentiles(samples: latencies)
        return summary
    }

    private mutating func settle(_ orderID: OrderID, _ outcome: OrderOutcome, latency: Duration) -> SettledOrder {
        entries[orderID] = .settled
        let order = SettledOrder(orderID: orderID, outcome: outcome, latency: latency)
        settled.append(order)
        return order
    }
}

/// What `shop customer` prints at the end.
public struct LedgerSummary: Sendable, Hashable {
    public var placed: Int
    public var delivered = 0
    public var rejected = 0
    public var timedOut = 0
    /// Notifications past an order's first (`CustomerLedger.repeatedCount`).
    public var repeated = 0
    /// Notifications for orders not placed here (`CustomerLedger.unknownCount`).
    public var unknown = 0
    /// Percentiles of the delivered orders' latencies; nil when none was delivered.
    public var deliveryLatency: LatencyPercentiles?

    public init(placed: Int) { self.placed = placed }

    /// Orders not settled yet.
    public var pending: Int { placed - delivered - rejected - timedOut }

    /// The customer's exit status: 0 when every order was answered in time, else 1.
    public var exitStatus: Int32 { timedOut == 0 && pending == 0 ? 0 : 1 }

    /// For example `[CUSTOMER] 20 orders: 18 delivered, 1 rejected, 1 timed out; delivery latency
    /// p50 812.3 ms, p90 950.0 ms, p99 1003.2 ms, max 1003.2 ms`.
    public var line: String {
        var text =
            "\(ShopRole.customer.logTag) \(placed) orders: \(delivered) delivered, \(rejected) rejected, "
            + "\(timedOut) timed out"
        if pending > 0 { text += ", \(pending) pending" }
        if let latency = deliveryLatency {
            text += "; delivery latency " + latency.description
        }
        return text
    }

    /// The counts as `key=value` fields for scripts, for example `[CUSTOMER] result placed=20
    /// delivered=18 rejected=1 timed-out=1 pending=0 repeated=0 unknown=0`. Only notifications
    /// that came before the customer finished are counted.
    public var resultLine: String {
        "\(ShopRole.customer.logTag) result placed=\(placed) delivered=\(delivered) rejected=\(rejected) "
            + "timed-out=\(timedOut) pending=\(pending) repeated=\(repeated) unknown=\(unknown)"
    }
}

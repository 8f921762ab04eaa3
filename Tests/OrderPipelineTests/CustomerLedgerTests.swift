import Foundation
import OrderPipeline
import Testing

private let start = ContinuousClock.now

private func at(_ milliseconds: Int) -> ContinuousClock.Instant { start + .milliseconds(milliseconds) }

private func delivered(_ id: String, tracking: String = "SLG-1") -> CustomerNotification {
    CustomerNotification(
        orderID: orderID(id), customerID: customerID("c-7"), outcome: .delivered(trackingNumber: tracking), message: "",
        timestamp: time(0))
}

private func rejected(_ id: String, _ reason: String) -> CustomerNotification {
    CustomerNotification.rejected(orderID(id), customerID: customerID("c-7"), reason: reason, at: time(0))
}

@Test func eachOrderSettlesOnceAsDeliveredRejectedOrTimedOut() {
    var ledger = CustomerLedger<ContinuousClock.Instant>(timeout: .seconds(5))
    let placed = [("a", 0), ("b", 100), ("c", 200), ("a", 300)].map { ledger.placed(orderID($0), at: at($1)) }
    #expect(placed == [true, true, true, false])
    #expect(ledger.nextDeadline == at(5_000))

    let a = ledger.received(delivered("a", tracking: "SLG-A"), at: at(812))
    #expect(
        a
            == SettledOrder(
                orderID: orderID("a"), outcome: .delivered(trackingNumber: "SLG-A"), latency: .milliseconds(812)))
    #expect(a?.line == "[CUSTOMER] delivered order a in 812.0 ms, tracking SLG-A")
    #expect(ledger.received(delivered("a"), at: at(900)) == nil)
    #expect(ledger.received(delivered("stranger"), at: at(900)) == nil)

    let b = ledger.received(rejected("b", #"unknown item "Teapot""#), at: at(150))
    #expect(b?.outcome == .rejected(reason: #"unknown item "Teapot""#))
    #expect(b?.line == #"[CUSTOMER] rejected order b in 50.0 ms: unknown item "Teapot""#)

    #expect(ledger.nextDeadline == at(5_200))
    let early = ledger.expire(now: at(5_199))
    #expect(early.isEmpty)
    let expired = ledger.expire(now: at(5_200))
    #expect(expired.map(\.outcome) == [.timedOut])
    #expect(expired.first?.line == "[CUSTOMER] timed out order c after 5000.0 ms")
    #expect(ledger.received(delivered("c"), at: at(6_000)) == nil)
    #expect(ledger.nextDeadline == nil)
    #expect(ledger.pendingCount == 0)
    #expect(ledger.settled.map(\.orderID) == [orderID("a"), orderID("b"), orderID("c")])
    #expect([ledger.repeatedCount, ledger.unknownCount] == [2, 1] as [Int])

    let summary = ledger.summary
    #expect(
        [summary.placed, summary.delivered, summary.rejected, summary.timedOut, summary.pending] == [3, 1, 1, 1, 0]
            as [Int])
    #expect(
        summary.line
            == "[CUSTOMER] 3 orders: 1 delivered, 1 rejected, 1 timed out; delivery latency p50 812.0 ms, "
            + "p90 812.0 ms, p99 812.0 ms, max 812.0 ms")
}

@Test func answersPastTheFirstAndAnswersForOrdersNotPlacedHereAreCounted() {
    var ledger = CustomerLedger<ContinuousClock.Instant>(timeout: .seconds(5))
    for id in ["a", "b", "c"] { ledger.placed(orderID(id), at: at(0)) }
    #expect(ledger.received(delivered("a"), at: at(10)) != nil)
    #expect(ledger.received(delivered("a"), at: at(20)) == nil)
    #expect(ledger.received(rejected("a", "duplicate"), at: at(30)) == nil)
    #expect(ledger.received(rejected("b", "duplicate"), at: at(40)) == nil)
    #expect(ledger.received(delivered("b"), at: at(50)) != nil)
    #expect(ledger.received(delivered("stranger"), at: at(60)) == nil)
    #expect([ledger.repeatedCount, ledger.unknownCount] == [3, 1] as [Int])

    let summary = ledger.summary
    #expect([summary.repeated, summary.unknown] == [3, 1] as [Int])
    #expect(
        summary.resultLine
            == "[CUSTOMER] result placed=3 delivered=2 rejected=0 timed-out=0 pending=1 repeated=3 unknown=1")
}

@Test func aRunWithEveryOrderAnsweredOnceHasAResultLineOfZeros() {
    var ledger = CustomerLedger<ContinuousClock.Instant>(timeout: .seconds(5))
    ledger.placed(orderID("a"), at: at(0))
    ledger.placed(orderID("b"), at: at(0))
    _ = ledger.received(delivered("a"), at: at(10))
    _ = ledger.received(rejected("b", "item is empty"), at: at(10))
    #expect(
        ledger.summary.resultLine
            == "[CUSTOMER] result placed=2 delivered=1 rejected=1 timed-out=0 pending=0 repeated=0 unknown=0")
}

@Test func aDuplicateAnswerWaitsForTheRealOne() {
    var ledger = CustomerLedger<ContinuousClock.Instant>(timeout: .seconds(1))
    ledger.placed(orderID("a"), at: at(0))
    ledger.placed(orderID("b"), at: at(0))
    #expect(ledger.received(rejected("a", "duplicate"), at: at(10)) == nil)
    #expect(ledger.received(rejected("b", "duplicate"), at: at(20)) == nil)
    #expect(ledger.received(delivered("a"), at: at(300))?.outcome == .delivered(trackingNumber: "SLG-1"))
    let expired = ledger.expire(now: at(1_000))
    #expect(
        expired == [
            SettledOrder(orderID: orderID("b"), outcome: .rejected(reason: "duplicate"), latency: .milliseconds(20))
        ])
}

@Test func expiredOrdersComeOldestFirst() {
    var ledger = CustomerLedger<ContinuousClock.Instant>(timeout: .milliseconds(10))
    for (index, id) in ["z", "y", "x", "w"].enumerated() {
        ledger.placed(orderID(id), at: at(index))
    }
    ledger.placed(orderID("v"), at: at(1))
    #expect(ledger.expire(now: at(100)).map(\.orderID.rawValue) == ["z", "v", "y", "x", "w"])
}

@Test func aSummaryCountsPendingOrdersAndOmitsLatencyWithoutDeliveries() {
    var ledger = CustomerLedger<ContinuousClock.Instant>(timeout: .seconds(1))
    ledger.placed(orderID("a"), at: at(0))
    ledger.placed(orderID("b"), at: at(0))
    _ = ledger.received(rejected("a", "item is empty"), at: at(5))
    #expect(ledger.summary.line == "[CUSTOMER] 2 orders: 0 delivered, 1 rejected, 0 timed out, 1 pending")
    #expect(ledger.summary.deliveryLatency == nil)
}

@Test func percentilesUseTheNearestRank() throws {
    let hundred = try #require(LatencyPercentiles(samples: (1...100).reversed().map { .milliseconds($0) }))
    #expect([hundred.p50, hundred.p90, hundred.p99, hundred.max] == [50, 90, 99, 100].map { .milliseconds($0) })
    #expect(hundred.count == 100)
    let ten = try #require(LatencyPercentiles(samples: (1...10).map { .milliseconds($0 * 10) }))
    #expect([ten.p50, ten.p90, ten.p99, ten.max] == [50, 90, 100, 100].map { .milliseconds($0) })
    let one = try #require(LatencyPercentiles(samples: [.microseconds(1_500)]))
    #expect(one.description == "p50 1.5 ms, p90 1.5 ms, p99 1.5 ms, max 1.5 ms")
    let two = try #require(LatencyPercentiles(samples: [.milliseconds(1), .milliseconds(3)]))
    #expect([two.p50, two.p90] == [.milliseconds(1), .milliseconds(3)])
    #expect(LatencyPercentiles(samples: []) == nil)
    #expect(LatencyPercentiles.format(.seconds(2) + .microseconds(250)) == "2000.2 ms")
}

@Test func theFactoryMakesRepeatableRandomOrdersOrTheGivenOne() {
    let factory = OrderFactory(customerID: customerID("c-7"))
    var first = SplitMix64(seed: 1)
    var second = SplitMix64(seed: 1)
    let orders = (0..<50).map { _ in factory.order(at: time(0), using: &first) }
    #expect(orders == (0..<50).map { _ in factory.order(at: time(0), using: &second) })
    #expect(Set(orders.map(\.orderID)).count == 50)
    #expect(orders.allSatisfy { $0.orderID.rawValue.wholeMatch(of: /[0-9a-f]{12}/) != nil })
    #expect(orders.allSatisfy { OrderRule().rejection(of: $0) == nil && (1...3).contains($0.quantity) })
    #expect(Set(orders.map(\.item)).count > 1)

    let fixed = OrderFactory(customerID: customerID("c-7"), item: "Teapot", quantity: 0)
    let order = fixed.order(orderID("10202"), at: time(5), using: &first)
    #expect(
        order
            == Order(
                orderID: orderID("10202"), customerID: customerID("c-7"), item: "Teapot", quantity: 0, placedAt: time(5)
            ))
}

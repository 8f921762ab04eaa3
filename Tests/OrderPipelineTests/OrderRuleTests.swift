import Foundation
import OrderPipeline
import Testing

private let placedTopic = "shop/orders/10202/placed"

private func placedPayload(_ order: Order) -> [UInt8] { ShopJSON.encode(OrderEvent.placed(order)) }

private func order(item: String = "Drawing Book", quantity: Int = 1, id: String = "10202", customer: String = "c-7")
    -> Order
{
    Order(orderID: orderID(id), customerID: customerID(customer), item: item, quantity: quantity, placedAt: time(0))
}

@Test func aValidOrderIsAccepted() throws {
    var rule = OrderRule()
    let output = rule.handle(topic: placedTopic, payload: placedPayload(Examples.order), now: time(120))
    #expect(output.published.map(\.topic) == ["shop/orders/10202/accepted"])
    #expect(try output.published[0].event() == Examples.accepted)
    #expect(output.published[0].retain == false)
    #expect(output.reports == ["[ORDER] accepted order 10202, Drawing Book x1"])
    #expect(output.deadLetters.isEmpty)
}

@Test func theBareOrderFieldsAreEnoughToPlaceAnOrder() throws {
    var rule = OrderRule()
    let output = rule.handle(topic: placedTopic, payload: ShopJSON.encode(Examples.order), now: time(120))
    #expect(try output.published.map { try $0.event() } == [Examples.accepted])
}

@Test(arguments: [
    (order(item: ""), "item is empty"),
    (order(item: "  \t"), "item is empty"),
    (order(item: "Teapot"), #"unknown item "Teapot""#),
    (order(item: "drawing book"), #"unknown item "drawing book""#),
    (order(quantity: 0), "quantity must be positive, got 0"),
    (order(quantity: -3), "quantity must be positive, got -3"),
    (order(quantity: 101), "quantity 101 is above the limit of 100"),
])
func anInvalidOrderIsRejectedWithItsReason(_ order: Order, _ reason: String) throws {
    var rule = OrderRule()
    let output = rule.handle(topic: placedTopic, payload: placedPayload(order), now: time(50))
    #expect(output.published.map(\.topic) == ["shop/orders/10202/rejected", "shop/customers/c-7/notifications"])
    let rejected = try output.published[0].event()
    #expect(rejected == OrderEvent.placed(order).advanced(to: .rejected(reason: reason), at: time(50)))
    #expect(rejected.trail.map(\.stage) == [.placed, .rejected])
    #expect(
        try output.published[1].notification()
            == CustomerNotification.rejected(order.orderID, customerID: order.customerID, reason: reason, at: time(50)))
    #expect(output.reports == ["[ORDER] rejected order 10202, \(order.summary): \(reason)"])
}

@Test func theCatalogAndTheQuantityLimitAreTheRulesConfiguration() {
    let rule = OrderRule(catalog: Catalog(items: ["Teapot"]), maximumQuantity: 5)
    #expect(rule.rejection(of: order(item: "Teapot", quantity: 5)) == nil)
    #expect(rule.rejection(of: order(item: "Teapot", quantity: 6)) == .quantityAboveLimit(6, limit: 5))
    #expect(rule.rejection(of: order(item: "Drawing Book")) == .unknownItem("Drawing Book"))
}

@Test func aDuplicateOrderIdIsAnsweredDuplicateToTheCustomerOnly() throws {
    var rule = OrderRule()
    _ = rule.handle(topic: placedTopic, payload: placedPayload(Examples.order), now: time(120))
    for (customer, now) in [("c-7", 200), ("c-9", 90_000)] {
        let again = order(customer: customer)
        let output = rule.handle(topic: placedTopic, payload: placedPayload(again), now: time(now))
        #expect(output.published.map(\.topic) == ["shop/customers/\(customer)/notifications"])
        let answer = try output.published[0].notification()
        #expect(answer.outcome == .rejected(reason: "duplicate"))
        #expect(answer.customerID == customerID(customer))
        #expect(output.reports == ["[ORDER] order 10202 from \(customer): duplicate order id, answered"])
    }
    let third = rule.handle(topic: placedTopic, payload: placedPayload(order(customer: "c-9")), now: time(90_000))
    #expect(try third.published[0].notification() == Examples.duplicateNotification)
}

@Test func aRejectedOrderIdIsTakenToo() throws {
    var rule = OrderRule()
    _ = rule.handle(topic: placedTopic, payload: placedPayload(order(quantity: 0)), now: time(10))
    let output = rule.handle(topic: placedTopic, payload: placedPayload(order()), now: time(20))
    #expect(try output.published.map { try $0.notification().outcome } == [.rejected(reason: "duplicate")])
}

@Test(arguments: [
    (placedTopic, "{", "not valid JSON"),
    (placedTopic, "", "empty payload"),
    (placedTopic, "[1]", "payload is not a JSON object"),
    (
        placedTopic, #"{"orderId":"10202","customerId":"c-7","item":"Drawing Book","placedAt":"2025-03-01T09:30:00Z"}"#,
        #"missing "quantity""#
    ),
    (
        placedTopic,
        #"{"orderId":"10202","customerId":"c-7","item":"Drawing Book","quantity":"two","placedAt":"2025-03-01T09:30:00Z"}"#,
        #""quantity" is not an integer"#
    ),
    (
        placedTopic,
        #"{"orderId":"10202","customerId":"c-7","item":"Drawing Book","quantity":1}"#, #"missing "placedAt""#
    ),
    (
        placedTopic,
        #"{"orderId":"10202","customerId":"c/7","item":"Drawing Book","quantity":1,"placedAt":"2025-03-01T09:30:00Z"}"#,
        #""customerId": customer id "c/7" contains "/", which cannot stand in one topic level"#
    ),
    (
        placedTopic,
        #"{"orderId":"99","customerId":"c-7","item":"Drawing Book","quantity":1,"placedAt":"2025-03-01T09:30:00Z"}"#,
        #"orderId "99" does not match the topic's order id "10202""#
    ),
    (
        placedTopic,
        #"{"orderId":"10202","customerId":"c-7","item":"Drawing Book","quantity":1,"placedAt":"2025-03-01T09:30:00Z","stage":"shipped"}"#,
        #""stage": is "shipped", expected "placed""#
    ),
    ("shop/orders/10202/accepted", #"{}"#, "topic shop/orders/10202/accepted is not shop/orders/<order-id>/placed"),
    ("shop/orders/a+b/placed", #"{}"#, "topic shop/orders/a+b/placed is not shop/orders/<order-id>/placed"),
    ("elsewhere", #"{}"#, "topic elsewhere is not shop/orders/<order-id>/placed"),
])
func unreadableOrdersGoToTheDeadLetterTopic(_ topic: String, _ payload: String, _ reason: String) {
    var rule = OrderRule()
    let output = rule.handle(topic: topic, payload: bytes(payload), now: time(5))
    #expect(
        output == [
            .deadLetter(
                DeadLetter(role: .order, topic: topic, payload: bytes(payload), reason: reason, receivedAt: time(5)))
        ])
    #expect(output.deadLetters.first?.outgoing.topic == "shop/dead-letter/order")
}

@Test func aDeadLetterDoesNotUseUpItsOrderId() throws {
    var rule = OrderRule()
    _ = rule.handle(topic: placedTopic, payload: bytes(#"{"orderId":"10202"}"#), now: time(5))
    let output = rule.handle(topic: placedTopic, payload: placedPayload(Examples.order), now: time(120))
    #expect(try output.published.map { try $0.event() } == [Examples.accepted])
}

@Test func theRuleIsDeterministic() {
    var first = OrderRule()
    var second = OrderRule()
    for quantity in [1, 0, 1, 5] {
        let payload = placedPayload(order(quantity: quantity, id: "o\(quantity)"))
        let topic = "shop/orders/o\(quantity)/placed"
        #expect(
            first.handle(topic: topic, payload: payload, now: time(9))
                == second.handle(topic: topic, payload: payload, now: time(9)))
    }
}

@Test func randomAndMutatedPayloadsNeverStopTheRule() {
    var rule = OrderRule()
    var generator = SplitMix64(seed: 6)
    let valid = placedPayload(Examples.order)
    for round in 0..<2_000 {
        var payload: [UInt8]
        if round.isMultiple(of: 2) {
            payload = (0..<Int.random(in: 0...64, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
        } else {
            payload = valid
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                payload[Int.random(in: 0..<payload.count, using: &generator)] = UInt8.random(
                    in: 0...255, using: &generator)
            }
        }
        let output = rule.handle(topic: placedTopic, payload: payload, now: time(round))
        #expect(!output.isEmpty)
        for message in output.published {
            #expect(Topics.parse(message.topic) != nil)
        }
    }
}

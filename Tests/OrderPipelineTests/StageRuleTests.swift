import Foundation
import OrderPipeline
import Testing

@Test func packagingPassesAnAcceptedOrderOnWithItsTrail() throws {
    var rule = PackagingRule()
    let output = rule.handle(
        topic: Examples.accepted.topic, payload: ShopJSON.encode(Examples.accepted), now: time(250))
    #expect(output.published.map(\.topic) == ["shop/orders/10202/packaged"])
    #expect(try output.published[0].event() == Examples.packaged)
    #expect(try output.published[0].event().trail.map(\.stage) == [.placed, .accepted, .packaged])
    #expect(output.reports == ["[PACKAGING] packaged order 10202, Drawing Book x1"])
}

@Test func shippingAssignsATrackingNumberAndTheCarrierDelivers() throws {
    var rule = ShippingRule()
    let output = rule.handle(
        topic: Examples.packaged.topic, payload: ShopJSON.encode(Examples.packaged), now: time(400))
    #expect(output.published.map(\.topic) == ["shop/orders/10202/shipped", "shop/orders/10202/delivered"])
    #expect(try output.published.map { try $0.event() } == [Examples.shipped, Examples.delivered])
    #expect(output.reports == ["[SHIPPING] shipped order 10202, Drawing Book x1, tracking \(Examples.trackingNumber)"])
}

@Test func trackingNumbersAreStablePerOrderAndSeed() {
    let generator = TrackingNumberGenerator()
    let number = generator.number(for: orderID("10202"))
    #expect(number.wholeMatch(of: /SLG-[0-9A-HJKMNP-TV-Z]{12}/) != nil)
    #expect(TrackingNumberGenerator(seed: 0).number(for: orderID("10202")) == number)
    #expect(TrackingNumberGenerator(seed: 1).number(for: orderID("10202")) != number)
    let numbers = Set((0..<10_000).map { generator.number(for: orderID("order-\($0)")) })
    #expect(numbers.count == 10_000)
}

@Test func anotherShippingInstanceGivesARedeliveredOrderTheSameNumber() {
    var first = ShippingRule()
    var second = ShippingRule()
    let payload = ShopJSON.encode(Examples.packaged)
    #expect(
        first.handle(topic: Examples.packaged.topic, payload: payload, now: time(400))
            == second.handle(topic: Examples.packaged.topic, payload: payload, now: time(400)))
}

@Test func notificationTellsTheCustomerAndPrintsTheLine() throws {
    var rule = NotificationRule()
    let output = rule.handle(
        topic: Examples.delivered.topic, payload: ShopJSON.encode(Examples.delivered), now: time(410))
    #expect(output.published.map(\.topic) == ["shop/customers/c-7/notifications"])
    #expect(try output.published[0].notification() == Examples.deliveredNotification)
    #expect(output.reports == ["[NOTIFICATION] Shipment delivered: order 10202, Drawing Book x1"])
}

/// Each downstream agent, its input example, and what it publishes for it.
private let stageAgents: [(rule: @Sendable () -> any AgentRule, input: OrderEvent, published: Int)] = [
    ({ PackagingRule() }, Examples.accepted, 1),
    ({ ShippingRule() }, Examples.packaged, 2),
    ({ NotificationRule() }, Examples.delivered, 1),
]

@Test(arguments: 0..<3)
func aRedeliveryYieldsNoSecondDownstreamEvent(_ index: Int) {
    var rule = stageAgents[index].rule()
    let input = stageAgents[index].input
    let payload = ShopJSON.encode(input)
    #expect(
        rule.handle(topic: input.topic, payload: payload, now: time(500)).published.count
            == stageAgents[index].published)
    for now in [600, 700] {
        let again = rule.handle(topic: input.topic, payload: payload, now: time(now))
        #expect(again.published.isEmpty)
        #expect(again.reports == ["\(type(of: rule).role.logTag) order 10202 was handled already: redelivery ignored"])
    }
}

@Test(arguments: 0..<3)
func unreadableEventsGoToTheRolesDeadLetterTopic(_ index: Int) {
    let input = stageAgents[index].input
    let role = type(of: stageAgents[index].rule()).role
    let stage = role.inputStage!.rawValue
    let valid = text(ShopJSON.encode(input))
    let otherStage = OrderStage.allCases.first { $0 != role.inputStage }!
    let cases: [(topic: String, payload: String, reason: String)] = [
        (input.topic, "{", "not valid JSON"),
        (input.topic, "", "empty payload"),
        (input.topic, text(ShopJSON.encode(Examples.order)), #"missing "stage""#),
        (
            input.topic, valid.replacingOccurrences(of: #""orderId":"10202""#, with: #""orderId":"10209""#),
            #"orderId "10209" does not match the topic's order id "10202""#
        ),
        (input.topic, text(ShopJSON.encode(Examples.placed)), #"stage "placed" does not match the topic"#),
        (
            Topics.order(orderID("10202"), stage: otherStage), valid,
            "topic shop/orders/10202/\(otherStage.rawValue) is not shop/orders/<order-id>/\(stage)"
        ),
    ]
    for (topic, payload, reason) in cases {
        var rule = stageAgents[index].rule()
        let output = rule.handle(topic: topic, payload: bytes(payload), now: time(1))
        #expect(
            output == [
                .deadLetter(
                    DeadLetter(role: role, topic: topic, payload: bytes(payload), reason: reason, receivedAt: time(1)))
            ], "\(role) \(reason)")
        #expect(output.deadLetters.first?.outgoing.topic == "shop/dead-letter/\(role.rawValue)")
        // A dead letter is not remembered: the valid event is still handled.
        #expect(
            rule.handle(topic: input.topic, payload: bytes(valid), now: time(2)).published.count
                == stageAgents[index].published)
    }
}

@Test func theIdempotencyMemoryIsBounded() {
    var rule = PackagingRule(memory: 2)
    func package(_ id: String) -> Int {
        let event = OrderEvent.placed(
            Order(orderID: orderID(id), customerID: customerID("c"), item: "Ink Pen", quantity: 1, placedAt: time(0))
        ).advanced(to: .accepted, at: time(1))
        return rule.handle(topic: event.topic, payload: ShopJSON.encode(event), now: time(2)).published.count
    }
    let first = [package("a"), package("b"), package("a")]
    #expect(first == [1, 1, 0])
    let afterC = [package("c"), package("b"), package("a")]
    // "c" makes the memory forget "a", the oldest; so "a" is handled again, as documented.
    #expect(afterC == [1, 0, 1])
}

@Test func anOrderTravelsThePipelineFromPlacedToTheNotification() throws {
    var order = OrderRule()
    var packaging = PackagingRule()
    var shipping = ShippingRule()
    var notification = NotificationRule()
    var messages = [OrderEvent.placed(Examples.order).outgoing]
    var lines: [String] = []
    var step = 0
    while let message = messages.first {
        messages.removeFirst()
        step += 1
        let output: [Outgoing]
        switch Topics.parse(message.topic) {
        case .order(_, .placed)?: output = order.handle(topic: message.topic, payload: message.payload, now: time(step))
        case .order(_, .accepted)?:
            output = packaging.handle(topic: message.topic, payload: message.payload, now: time(step))
        case .order(_, .packaged)?:
            output = shipping.handle(topic: message.topic, payload: message.payload, now: time(step))
        case .order(_, .delivered)?:
            output = notification.handle(topic: message.topic, payload: message.payload, now: time(step))
        case .notifications?:
            #expect(try message.notification().outcome == .delivered(trackingNumber: Examples.trackingNumber))
            continue
        default: continue
        }
        messages += output.published
        lines += output.reports
    }
    #expect(
        lines == [
            "[ORDER] accepted order 10202, Drawing Book x1",
            "[PACKAGING] packaged order 10202, Drawing Book x1",
            "[SHIPPING] shipped order 10202, Drawing Book x1, tracking \(Examples.trackingNumber)",
            "[NOTIFICATION] Shipment delivered: order 10202, Drawing Book x1",
        ])
}

@Test func aRecentSetForgetsItsOldestElementWhenFull() {
    var set = RecentSet<Int>(capacity: 3)
    let inserted = [1, 2, 3, 2, 4].map { set.insert($0) }
    #expect(inserted == [true, true, true, false, true])
    #expect(set.count == 3)
    #expect(!set.contains(1))
    #expect(set.contains(2) && set.contains(3) && set.contains(4))
    let more = [5, 6].map { set.insert($0) }
    #expect(more == [true, true])
    #expect(!set.contains(2) && !set.contains(3))
    #expect(set.contains(4) && set.contains(5) && set.contains(6))
    #expect(set.capacity == 3)
    #expect(RecentSet<Int>.defaultCapacity == 100_000)
}

import OrderPipeline
import Testing

@Test func topicsAreBuiltFromTheScheme() {
    #expect(Topics.order(orderID("10202"), stage: .placed) == "shop/orders/10202/placed")
    #expect(Topics.order(orderID("a-b_c.d"), stage: .delivered) == "shop/orders/a-b_c.d/delivered")
    #expect(Topics.notifications(for: customerID("c-7")) == "shop/customers/c-7/notifications")
    #expect(Topics.deadLetter(for: .packaging) == "shop/dead-letter/packaging")
    #expect(Topics.orders(at: .shipped) == "shop/orders/+/shipped")
}

@Test func eachAgentSharesTheSubscriptionToItsInputStage() {
    #expect(Topics.sharedSubscription(for: .order) == "$share/order/shop/orders/+/placed")
    #expect(Topics.sharedSubscription(for: .packaging) == "$share/packaging/shop/orders/+/accepted")
    #expect(Topics.sharedSubscription(for: .shipping) == "$share/shipping/shop/orders/+/packaged")
    #expect(Topics.sharedSubscription(for: .notification) == "$share/notification/shop/orders/+/delivered")
    #expect(Topics.sharedSubscription(for: .customer) == nil)
    #expect(Topics.sharedSubscription(for: .demo) == nil)
    #expect(ShopRole.agents == [.order, .packaging, .shipping, .notification])
}

@Test(arguments: [
    ("shop/orders/10202/placed", ShopTopic.order(orderID("10202"), .placed)),
    ("shop/orders/x/rejected", .order(orderID("x"), .rejected)),
    ("shop/orders/10202/delivered", .order(orderID("10202"), .delivered)),
    ("shop/customers/c-7/notifications", .notifications(customerID("c-7"))),
    ("shop/dead-letter/order", .deadLetter(.order)),
    ("shop/dead-letter/customer", .deadLetter(.customer)),
])
func shopTopicsParse(_ topic: String, _ expected: ShopTopic) {
    #expect(Topics.parse(topic) == expected)
}

@Test(arguments: [
    "", "shop", "shop/orders", "shop/orders/10202", "shop/orders/10202/lost", "shop/orders//placed",
    "shop/orders/+/placed", "shop/orders/#", "shop/orders/10202/placed/extra", "/shop/orders/10202/placed",
    "shop/orders/10202/Placed", "store/orders/10202/placed", "shop/customers/c-7", "shop/customers/c-7/orders",
    "shop/customers//notifications", "shop/dead-letter", "shop/dead-letter/warehouse", "shop/dead-letter/order/x",
    "$share/order/shop/orders/+/placed",
])
func otherTopicsDoNotParse(_ topic: String) {
    #expect(Topics.parse(topic) == nil)
}

@Test func builtTopicsParseBack() {
    for stage in OrderStage.allCases {
        #expect(Topics.parse(Topics.order(orderID("o1"), stage: stage)) == .order(orderID("o1"), stage))
    }
    for role in ShopRole.allCases {
        #expect(Topics.parse(Topics.deadLetter(for: role)) == .deadLetter(role))
    }
    #expect(Topics.parse(Topics.notifications(for: customerID("c1"))) == .notifications(customerID("c1")))
}

@Test(arguments: ["10202", "c-7", "ORDER_1.2", "zamówienie", "🛒", String(repeating: "x", count: 64)])
func validIdentifiers(_ text: String) throws {
    #expect(try OrderID(text).rawValue == text)
    #expect(try CustomerID(text).description == text)
}

@Test(arguments: [
    ("", "order id is empty"),
    ("a/b", #"order id "a/b" contains "/", which cannot stand in one topic level"#),
    ("+", #"order id "+" contains "+", which cannot stand in one topic level"#),
    ("x#", ##"order id "x#" contains "#", which cannot stand in one topic level"##),
    ("a\u{0}b", #"order id "a\0b" contains control character U+0, which cannot stand in one topic level"#),
    ("a\nb", #"order id "a\nb" contains control character U+A, which cannot stand in one topic level"#),
    (String(repeating: "x", count: 65), "order id is longer than 64 bytes"),
    (String(repeating: "é", count: 33), "order id is longer than 64 bytes"),
])
func invalidIdentifiersSayWhy(_ text: String, _ message: String) {
    #expect(throws: IdentifierError.self) { try OrderID(text) }
    do {
        _ = try OrderID(text)
    } catch {
        #expect(error.description == message)
    }
}

@Test func customerIdsNameThemselvesInErrors() {
    #expect(throws: IdentifierError.self) { try CustomerID("") }
    do {
        _ = try CustomerID("")
    } catch {
        #expect(error.noun == "customer id")
        #expect(error.problem == .empty)
    }
}

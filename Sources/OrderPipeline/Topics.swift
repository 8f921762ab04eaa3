// The shop's topic scheme:
//
//   shop/orders/<order-id>/<stage>                 every event of an order, one topic per stage
//   shop/customers/<customer-id>/notifications     what the customer is told
//   shop/dead-letter/<role>                        messages an agent could not handle
//
// Each agent subscribes to its input stage through a shared subscription,
// `$share/<role>/shop/orders/+/<input stage>`, so that every instance of a role takes part of the
// work and each message goes to one of them.

/// A topic of the shop, parsed.
public enum ShopTopic: Sendable, Hashable {
    /// `shop/orders/<order-id>/<stage>`
    case order(OrderID, OrderStage)
    /// `shop/customers/<customer-id>/notifications`
    case notifications(CustomerID)
    /// `shop/dead-letter/<role>`
    case deadLetter(ShopRole)
}

/// Builds and parses the shop's topics.
public enum Topics {
    /// `shop/orders/<order-id>/<stage>`
    public static func order(_ orderID: OrderID, stage: OrderStage) -> String {
        "shop/orders/\(orderID.rawValue)/\(stage.rawValue)"
    }

    /// `shop/customers/<customer-id>/notifications`
    public static func notifications(for customerID: CustomerID) -> String {
        "shop/customers/\(customerID.rawValue)/notifications"
    }

    /// `shop/dead-letter/<role>`
    public static func deadLetter(for role: ShopRole) -> String {
        "shop/dead-letter/\(role.rawValue)"
    }

    /// `shop/orders/+/<stage>`: every order's events of one stage.
    public static func orders(at stage: OrderStage) -> String {
        "shop/orders/+/\(stage.rawValue)"
    }

    /// `$share/<role>/shop/orders/+/<input stage>` for an agent; nil for the customer and the demo.
    public static func sharedSubscription(for role: ShopRole) -> String? {
        role.inputStage.map { "$share/\(role.rawValue)/\(orders(at: $0))" }
    }

    /// The shop topic `topic` names, or nil when it is not one (wrong shape, invalid id, unknown
    /// stage or role).
    public static func parse(_ topic: String) -> ShopTopic? {
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard levels.first == "shop" else { return nil }
        switch levels.dropFirst().first {
        case "orders" where levels.count == 4:
            guard let id = try? OrderID(levels[2]), let stage = OrderStage(rawValue: levels[3]) else { return nil }
            return .order(id, stage)
        case "customers" where levels.count == 4 && levels[3] == "notifications":
            return (try? CustomerID(levels[2])).map { .notifications($0) }
        case "dead-letter" where levels.count == 3:
            return ShopRole(rawValue: levels[2]).map { .deadLetter($0) }
        default:
            return nil
        }
    }
}

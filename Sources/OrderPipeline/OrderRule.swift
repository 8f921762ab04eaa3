import Foundation

/// `shop order`: checks each placed order and accepts or rejects it.
///
/// - An order whose id was seen before is answered `duplicate` on the customer's notification
///   topic only: no second acceptance, no second rejection event.
/// - An empty or unknown item, or a quantity outside 1...`maximumQuantity`, is rejected: a
///   `rejected` event on `shop/orders/<id>/rejected` and a notification to the customer.
/// - Otherwise the order is accepted: an `accepted` event on `shop/orders/<id>/accepted`.
/// - A message that is not JSON, lacks a field, has a field of the wrong type, or whose order id
///   differs from the topic's goes to `shop/dead-letter/order`: without a readable customer id
///   there is nobody to answer. Such a message does not use up its order id.
public struct OrderRule: AgentRule {
    public static var role: ShopRole { .order }

    /// Items that can be ordered.
    public let catalog: Catalog
    /// Largest quantity accepted.
    public let maximumQuantity: Int
    /// Order ids seen (accepted or rejected), most recent `RecentSet.capacity` of them.
    private var seen: RecentSet<OrderID>

    public init(
        catalog: Catalog = .standard, maximumQuantity: Int = 100, memory: Int = RecentSet<OrderID>.defaultCapacity
    ) {
        self.catalog = catalog
        self.maximumQuantity = maximumQuantity
        seen = RecentSet(capacity: memory)
    }

    public mutating func handle(topic: String, payload: [UInt8], now: Date) -> [Outgoing] {
        let inbound = InboundMessage(role: Self.role, topic: topic, payload: payload)
        let order: Order
        do throws(UnreadableMessage) {
            order = try inbound.placedOrder()
        } catch {
            return [.deadLetter(inbound.deadLetter(error, at: now))]
        }
        guard seen.insert(order.orderID) else {
            let answer = CustomerNotification.rejected(
                order.orderID, customerID: order.customerID, reason: RejectionReason.duplicate.description, at: now)
            return [
                .publish(answer.outgoing),
                .report(
                    "\(Self.role.logTag) order \(order.orderID) from \(order.customerID): duplicate order id, answered"),
            ]
        }
        let placed = OrderEvent.placed(order)
        if let reason = rejection(of: order) {
            let rejected = placed.advanced(to: .rejected(reason: reason.description), at: now)
            let answer = CustomerNotification.rejected(
                order.orderID, customerID: order.customerID, reason: reason.description, at: now)
            return [
                .publish(rejected.outgoing), .publish(answer.outgoing),
                .report("\(Self.role.logTag) rejected order \(order.orderID), \(order.summary): \(reason)"),
            ]
        }
        return [
            .publish(placed.advanced(to: .accepted, at: now).outgoing),
            .report("\(Self.role.logTag) accepted order \(order.orderID), \(order.summary)"),
        ]
    }

    /// Why `order` cannot be accepted, or nil if it can.
    public func rejection(of order: Order) -> RejectionReason? {
        if order.item.allSatisfy(\.isWhitespace) { return .emptyItem }
        if !catalog.contains(order.item) { return .unknownItem(order.item) }
        if order.quantity < 1 { return .quantityNotPositive(order.quantity) }
        if order.quantity > maximumQuantity { return .quantityAboveLimit(order.quantity, limit: maximumQuantity) }
        return nil
    }
}

import Foundation

/// An order as the customer placed it. Travels unchanged in every event of the order.
///
/// Its JSON (`orderId`, `customerId`, `item`, `quantity`, `placedAt`) is also the smallest
/// message the order agent accepts on `shop/orders/<order-id>/placed`, so a person can place an
/// order with `mosquitto_pub`.
public struct Order: Sendable, Hashable, Codable {
    public var orderID: OrderID
    public var customerID: CustomerID
    /// What is ordered; the order agent checks it against its catalog.
    public var item: String
    /// How many; the order agent wants 1 up to its limit.
    public var quantity: Int
    /// When the customer placed the order (the customer's clock).
    public var placedAt: Date

    public init(orderID: OrderID, customerID: CustomerID, item: String, quantity: Int, placedAt: Date) {
        self.orderID = orderID
        self.customerID = customerID
        self.item = item
        self.quantity = quantity
        self.placedAt = placedAt
    }

    /// "Drawing Book x1", as the notification line shows the order.
    public var summary: String { "\(item) x\(quantity)" }

    enum CodingKeys: String, CodingKey {
        case orderID = "orderId"
        case customerID = "customerId"
        case item
        case quantity
        case placedAt
    }
}

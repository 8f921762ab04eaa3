import Foundation

/// What a customer hears on `shop/customers/<customer-id>/notifications`: the order was
/// delivered, or it was rejected (a rejection with reason `duplicate` answers an order id seen
/// before).
public struct CustomerNotification: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        case delivered(trackingNumber: String)
        case rejected(reason: String)
    }

    public var orderID: OrderID
    public var customerID: CustomerID
    public var outcome: Outcome
    /// The line for people, for example
    /// `[NOTIFICATION] Shipment delivered: order 10202, Drawing Book x1`.
    public var message: String
    /// When the notifying agent sent it.
    public var timestamp: Date

    public init(orderID: OrderID, customerID: CustomerID, outcome: Outcome, message: String, timestamp: Date) {
        self.orderID = orderID
        self.customerID = customerID
        self.outcome = outcome
        self.message = message
        self.timestamp = timestamp
    }

    /// Tells the customer `order` was delivered.
    public static func delivered(_ order: Order, trackingNumber: String, at time: Date) -> CustomerNotification {
        CustomerNotification(
            orderID: order.orderID, customerID: order.customerID, outcome: .delivered(trackingNumber: trackingNumber),
            message: "[NOTIFICATION] Shipment delivered: order \(order.orderID), \(order.summary)", timestamp: time)
    }

    /// Tells the customer their order was refused, and why.
    public static func rejected(
        _ orderID: OrderID, customerID: CustomerID, reason: String, at time: Date
    ) -> CustomerNotification {
        CustomerNotification(
            orderID: orderID, customerID: customerID, outcome: .rejected(reason: reason),
            message: "[NOTIFICATION] Order rejected: order \(orderID), \(reason)", timestamp: time)
    }

    /// Where this notification is published.
    public var topic: String { Topics.notifications(for: customerID) }

    /// This notification, ready to publish.
    public var outgoing: OutgoingMessage { OutgoingMessage(topic: topic, payload: ShopJSON.encode(self)) }
}

// JSON: `orderId`, `customerId`, `outcome` ("delivered" or "rejected") with `trackingNumber` or
// `reason`, `message`, `timestamp`.
extension CustomerNotification: Codable {
    enum CodingKeys: String, CodingKey {
        case orderID = "orderId"
        case customerID = "customerId"
        case outcome, trackingNumber, reason, message, timestamp
    }

    private enum OutcomeName: String, Codable {
        case delivered, rejected
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let outcome: Outcome
        switch try container.decode(OutcomeName.self, forKey: .outcome) {
        case .delivered:
            outcome = .delivered(trackingNumber: try container.decode(String.self, forKey: .trackingNumber))
        case .rejected: outcome = .rejected(reason: try container.decode(String.self, forKey: .reason))
        }
        self.init(
            orderID: try container.decode(OrderID.self, forKey: .orderID),
            customerID: try container.decode(CustomerID.self, forKey: .customerID), outcome: outcome,
            message: try container.decode(String.self, forKey: .message),
            timestamp: try container.decode(Date.self, forKey: .timestamp))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(orderID, forKey: .orderID)
        try container.encode(customerID, forKey: .customerID)
        switch outcome {
        case .delivered(let trackingNumber):
            try container.encode(OutcomeName.delivered, forKey: .outcome)
            try container.encode(trackingNumber, forKey: .trackingNumber)
        case .rejected(let reason):
            try container.encode(OutcomeName.rejected, forKey: .outcome)
            try container.encode(reason, forKey: .reason)
        }
        try container.encode(message, forKey: .message)
        try container.encode(timestamp, forKey: .timestamp)
    }
}

import Foundation

/// `shop notification`: tells the customer each delivered order arrived, on
/// `shop/customers/<customer-id>/notifications`, and prints the notification's line, for example
/// `[NOTIFICATION] Shipment delivered: order 10202, Drawing Book x1`.
public struct NotificationRule: AgentRule {
    public static var role: ShopRole { .notification }

    private var intake: EventIntake

    /// - Parameter memory: how many orders are remembered for idempotency.
    public init(memory: Int = RecentSet<OrderID>.defaultCapacity) {
        intake = EventIntake(role: Self.role, memory: memory)
    }

    public mutating func handle(topic: String, payload: [UInt8], now: Date) -> [Outgoing] {
        intake.handle(topic: topic, payload: payload, now: now) { delivered in
            // The intake only passes readable `delivered` events, which carry a tracking number.
            let notification = CustomerNotification.delivered(
                delivered.order, trackingNumber: delivered.status.trackingNumber ?? "", at: now)
            return [.publish(notification.outgoing), .report(notification.message)]
        }
    }
}

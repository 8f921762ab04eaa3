import Foundation

/// `shop shipping`: ships each packaged order with a tracking number and, as the simulated
/// carrier delivers at once, publishes both `shipped` and `delivered` (same tracking number, same
/// time). The simulated work time is the runner's: it waits before calling `handle`.
public struct ShippingRule: AgentRule {
    public static var role: ShopRole { .shipping }

    /// Gives each order its tracking number.
    public let trackingNumbers: TrackingNumberGenerator
    private var intake: EventIntake

    /// - Parameter memory: how many orders are remembered for idempotency.
    public init(
        trackingNumbers: TrackingNumberGenerator = TrackingNumberGenerator(),
        memory: Int = RecentSet<OrderID>.defaultCapacity
    ) {
        self.trackingNumbers = trackingNumbers
        intake = EventIntake(role: Self.role, memory: memory)
    }

    public mutating func handle(topic: String, payload: [UInt8], now: Date) -> [Outgoing] {
        let trackingNumbers = trackingNumbers
        return intake.handle(topic: topic, payload: payload, now: now) { packaged in
            let number = trackingNumbers.number(for: packaged.orderID)
            let shipped = packaged.advanced(to: .shipped(trackingNumber: number), at: now)
            return [
                .publish(shipped.outgoing),
                .publish(shipped.advanced(to: .delivered(trackingNumber: number), at: now).outgoing),
                .report(
                    "\(Self.role.logTag) shipped order \(packaged.orderID), \(packaged.order.summary), tracking \(number)"
                ),
            ]
        }
    }
}

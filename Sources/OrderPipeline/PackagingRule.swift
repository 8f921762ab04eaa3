import Foundation

/// `shop packaging`: packs each accepted order and passes it on as `packaged`. The simulated
/// work time is the runner's: it waits before calling `handle`.
public struct PackagingRule: AgentRule {
    public static var role: ShopRole { .packaging }

    private var intake: EventIntake

    /// - Parameter memory: how many orders are remembered for idempotency.
    public init(memory: Int = RecentSet<OrderID>.defaultCapacity) {
        intake = EventIntake(role: Self.role, memory: memory)
    }

    public mutating func handle(topic: String, payload: [UInt8], now: Date) -> [Outgoing] {
        intake.handle(topic: topic, payload: payload, now: now) { accepted in
            [
                .publish(accepted.advanced(to: .packaged, at: now).outgoing),
                .report("\(Self.role.logTag) packaged order \(accepted.orderID), \(accepted.order.summary)"),
            ]
        }
    }
}

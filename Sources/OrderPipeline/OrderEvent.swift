import Foundation

/// The envelope of every event on `shop/orders/<order-id>/<stage>`: the order, its current
/// status, and the trail of the stages it went through.
///
/// The trail always ends with the event's own stage and time, so `stage` and `timestamp` are
/// read from it; the JSON repeats them at the top for readers and checks that they agree.
public struct OrderEvent: Sendable, Hashable {
    /// The order as placed.
    public let order: Order
    /// The stage of this event and its stage-specific data.
    public let status: OrderStatus
    /// Every stage reached, oldest first; never empty, and the last entry is `status.stage`.
    public let trail: [StageStamp]

    private init(order: Order, status: OrderStatus, trail: [StageStamp]) {
        precondition(trail.last?.stage == status.stage, "an event's trail ends with its own stage")
        self.order = order
        self.status = status
        self.trail = trail
    }

    /// The first event of an order, as the customer publishes it: stamped with `placedAt`.
    public static func placed(_ order: Order) -> OrderEvent {
        OrderEvent(order: order, status: .placed, trail: [StageStamp(.placed, at: order.placedAt)])
    }

    /// The next event of the same order: `status`, reached at `time`, appended to the trail.
    public func advanced(to status: OrderStatus, at time: Date) -> OrderEvent {
        OrderEvent(order: order, status: status, trail: trail + [StageStamp(status.stage, at: time)])
    }

    public var orderID: OrderID { order.orderID }
    public var stage: OrderStage { status.stage }
    /// When this event's stage was reached.
    public var timestamp: Date { trail[trail.count - 1].at }

    /// Where this event is published.
    public var topic: String { Topics.order(orderID, stage: stage) }

    /// This event, ready to publish.
    public var outgoing: OutgoingMessage { OutgoingMessage(topic: topic, payload: ShopJSON.encode(self)) }
}

// The JSON is flat: the order's fields, then `stage`, `timestamp`, `trail`, and `reason` (rejected)
// or `trackingNumber` (shipped, delivered).
extension OrderEvent: Codable {
    enum CodingKeys: String, CodingKey {
        case stage, timestamp, trail, reason, trackingNumber
    }

    public init(from decoder: any Decoder) throws {
        let order = try Order(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let stage = try container.decode(OrderStage.self, forKey: .stage)
        let timestamp = try container.decode(Date.self, forKey: .timestamp)
        let trail = try container.decode([StageStamp].self, forKey: .trail)
        guard trail.last == StageStamp(stage, at: timestamp) else {
            throw DecodingError.dataCorruptedError(
                forKey: .trail, in: container, debugDescription: "does not end with the event's stage and timestamp")
        }
        let status: OrderStatus
        switch stage {
        case .placed: status = .placed
        case .accepted: status = .accepted
        case .rejected: status = .rejected(reason: try container.decode(String.self, forKey: .reason))
        case .packaged: status = .packaged
        case .shipped: status = .shipped(trackingNumber: try container.decode(String.self, forKey: .trackingNumber))
        case .delivered:
            status = .delivered(trackingNumber: try container.decode(String.self, forKey: .trackingNumber))
        }
        self.init(order: order, status: status, trail: trail)
    }

    public func encode(to encoder: any Encoder) throws {
        try order.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(stage, forKey: .stage)
        try container.encode(timestamp, forKey: .timestamp)
        try container.encode(trail, forKey: .trail)
        try container.encodeIfPresent(status.reason, forKey: .reason)
        try container.encodeIfPresent(status.trackingNumber, forKey: .trackingNumber)
    }
}

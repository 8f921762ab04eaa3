import Foundation

/// The decision logic of one agent, with no I/O: a message in, what to publish and print out.
///
/// A rule is deterministic: its output depends only on its arguments, its configuration (clock
/// readings and random sources are passed in) and the messages it handled before. It remembers
/// the orders it handled in a bounded `RecentSet`, so a redelivered message never yields a
/// second downstream event while the order is remembered. It never throws and never traps on
/// input: what it cannot read becomes an `Outgoing.deadLetter`.
public protocol AgentRule: Sendable {
    /// The role this rule plays; its input stage is `role.inputStage`.
    static var role: ShopRole { get }

    /// Handles one message received on the role's shared subscription.
    /// - Parameters:
    ///   - topic: the topic the message was published on.
    ///   - payload: the message's bytes.
    ///   - now: the time to stamp on the events produced.
    mutating func handle(topic: String, payload: [UInt8], now: Date) -> [Outgoing]
}

/// A message received on an agent's input stage, read against what the subscription promises.
struct InboundMessage {
    let role: ShopRole
    let topic: String
    let payload: [UInt8]

    /// The order id of the topic, which must be `shop/orders/<order-id>/<input stage>`.
    func orderID() throws(UnreadableMessage) -> OrderID {
        guard let stage = role.inputStage, case .order(let id, stage)? = Topics.parse(topic) else {
            let expected = role.inputStage.map { "shop/orders/<order-id>/\($0.rawValue)" } ?? "no order topic"
            throw UnreadableMessage("topic \(topic) is not \(expected)")
        }
        return id
    }

    /// The payload as an event of the input stage for the topic's order.
    func event() throws(UnreadableMessage) -> OrderEvent {
        let id = try orderID()
        let event = try ShopJSON.decode(OrderEvent.self, from: payload)
        try check(payloadID: event.orderID, topicID: id)
        if event.stage != role.inputStage {
            throw UnreadableMessage("stage \"\(event.stage.rawValue)\" does not match the topic")
        }
        return event
    }

    /// The payload as a placed order for the topic's order: an `Order`, or a whole placed
    /// `OrderEvent` (its other fields are not needed).
    func placedOrder() throws(UnreadableMessage) -> Order {
        let id = try orderID()
        let placed = try ShopJSON.decode(PlacedOrder.self, from: payload)
        try check(payloadID: placed.order.orderID, topicID: id)
        return placed.order
    }

    func deadLetter(_ error: UnreadableMessage, at time: Date) -> DeadLetter {
        DeadLetter(role: role, topic: topic, payload: payload, reason: error.reason, receivedAt: time)
    }

    private func check(payloadID: OrderID, topicID: OrderID) throws(UnreadableMessage) {
        if payloadID != topicID {
            throw UnreadableMessage("orderId \"\(payloadID)\" does not match the topic's order id \"\(topicID)\"")
        }
    }
}

/// An order's fields, plus a `stage` that must be `placed` when present.
private struct PlacedOrder: Decodable {
    let order: Order

    enum CodingKeys: String, CodingKey { case stage }

    init(from decoder: any Decoder) throws {
        order = try Order(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let stage = try container.decodeIfPresent(OrderStage.self, forKey: .stage), stage != .placed {
            throw DecodingError.dataCorruptedError(
                forKey: .stage, in: container, debugDescription: "is \"\(stage.rawValue)\", expected \"placed\"")
        }
    }
}

/// Reading and idempotency for the agents after the order agent: each handles an order's event of
/// its input stage once, while the order is remembered.
struct EventIntake: Sendable {
    let role: ShopRole
    private var handled: RecentSet<OrderID>

    init(role: ShopRole, memory: Int) {
        self.role = role
        handled = RecentSet(capacity: memory)
    }

    /// Calls `body` with the event if it is readable and its order was not handled yet; else a
    /// dead letter, or a report that a redelivery was ignored.
    mutating func handle(
        topic: String, payload: [UInt8], now: Date, _ body: (OrderEvent) -> [Outgoing]
    ) -> [Outgoing] {
        let inbound = InboundMessage(role: role, topic: topic, payload: payload)
        let event: OrderEvent
        do throws(UnreadableMessage) {
            event = try inbound.event()
        } catch {
            return [.deadLetter(inbound.deadLetter(error, at: now))]
        }
        guard handled.insert(event.orderID) else {
            return [.report("\(role.logTag) order \(event.orderID) was handled already: redelivery ignored")]
        }
        return body(event)
    }
}

/// Where an order is in the pipeline. The raw value is the last level of the order's topic
/// (`shop/orders/<order-id>/<stage>`) and the `stage` field of its events.
///
/// The happy path is placed → accepted → packaged → shipped → delivered; `rejected` ends an
/// order at the order agent.
public enum OrderStage: String, Sendable, Hashable, Codable, CaseIterable {
    /// Published by the customer.
    case placed
    /// The order agent found the order valid.
    case accepted
    /// The order agent refused the order; the event carries the reason.
    case rejected
    /// The packaging agent packed it.
    case packaged
    /// The shipping agent handed it to the carrier; the event carries the tracking number.
    case shipped
    /// The carrier delivered it (simulated by the shipping agent).
    case delivered
}

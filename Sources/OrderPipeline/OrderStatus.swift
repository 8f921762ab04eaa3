/// An event's stage together with what is known only from that stage on: a rejection's reason,
/// a shipment's tracking number. Each case holds exactly what is valid at that stage.
public enum OrderStatus: Sendable, Hashable {
    case placed
    case accepted
    case rejected(reason: String)
    case packaged
    case shipped(trackingNumber: String)
    case delivered(trackingNumber: String)

    public var stage: OrderStage {
        switch self {
        case .placed: .placed
        case .accepted: .accepted
        case .rejected: .rejected
        case .packaged: .packaged
        case .shipped: .shipped
        case .delivered: .delivered
        }
    }

    /// Why the order was rejected; only for `.rejected`.
    public var reason: String? {
        if case .rejected(let reason) = self { return reason }
        return nil
    }

    /// The carrier's tracking number; from `.shipped` on.
    public var trackingNumber: String? {
        switch self {
        case .shipped(let number), .delivered(let number): number
        case .placed, .accepted, .rejected, .packaged: nil
        }
    }
}

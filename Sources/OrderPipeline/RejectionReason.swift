/// Why the order agent refused an order. `description` is the `reason` published with the
/// rejection.
public enum RejectionReason: Sendable, Hashable, CustomStringConvertible {
    /// The order id was seen before: the order is not processed again.
    case duplicate
    /// The item is empty or only white space.
    case emptyItem
    /// The item is not in the catalog.
    case unknownItem(String)
    /// The quantity is zero or negative.
    case quantityNotPositive(Int)
    /// The quantity is above the agent's limit.
    case quantityAboveLimit(Int, limit: Int)

    /// The reason text of `.duplicate`, which customers recognise.
    public static let duplicateText = "duplicate"

    public var description: String {
        switch self {
        case .duplicate: Self.duplicateText
        case .emptyItem: "item is empty"
        case .unknownItem(let item): "unknown item \"\(item)\""
        case .quantityNotPositive(let quantity): "quantity must be positive, got \(quantity)"
        case .quantityAboveLimit(let quantity, let limit): "quantity \(quantity) is above the limit of \(limit)"
        }
    }
}

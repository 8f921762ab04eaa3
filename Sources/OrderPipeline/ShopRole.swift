/// The subcommands of `shop`: the four agents, the customer and the all-in-one demo.
public enum ShopRole: String, Sendable, Hashable, Codable, CaseIterable {
    case order
    case packaging
    case shipping
    case notification
    case customer
    case demo

    /// The agents, in pipeline order.
    public static var agents: [ShopRole] { allCases.filter(\.isAgent) }

    /// The stage an agent consumes (`shop/orders/+/<stage>`); nil for the customer and the demo.
    public var inputStage: OrderStage? {
        switch self {
        case .order: .placed
        case .packaging: .accepted
        case .shipping: .packaged
        case .notification: .delivered
        case .customer, .demo: nil
        }
    }

    /// Whether this role is an agent of the pipeline (it has an input stage).
    public var isAgent: Bool { inputStage != nil }

    /// The upper-case tag of the role's log lines, for example `[PACKAGING]`.
    public var logTag: String { "[\(rawValue.uppercased())]" }
}

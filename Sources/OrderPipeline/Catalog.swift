/// What the shop sells: the order agent rejects other items, and the customer picks random
/// orders from it.
public struct Catalog: Sendable, Hashable {
    /// Item names, in the order they are listed.
    public let items: [String]

    public init(items: [String]) {
        precondition(!items.isEmpty, "a catalog lists at least one item")
        self.items = items
    }

    public func contains(_ item: String) -> Bool { items.contains(item) }

    /// The catalog the agents use by default.
    public static let standard = Catalog(items: [
        "Drawing Book", "Watercolour Set", "Sketching Pencils", "Ink Pen", "Canvas Panel", "Brush Roll",
    ])
}

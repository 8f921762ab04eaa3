import Foundation

/// Makes the orders `shop customer` places: the item and quantity given on the command line, or
/// random ones from the catalog (quantity 1 to 3). The random source is passed in, so a seeded
/// generator gives the same orders every time.
public struct OrderFactory: Sendable, Hashable {
    public var customerID: CustomerID
    public var catalog: Catalog
    /// The item of every order; nil picks one at random.
    public var item: String?
    /// The quantity of every order; nil picks 1 to 3 at random.
    public var quantity: Int?

    public init(customerID: CustomerID, catalog: Catalog = .standard, item: String? = nil, quantity: Int? = nil) {
        self.customerID = customerID
        self.catalog = catalog
        self.item = item
        self.quantity = quantity
    }

    /// An order placed at `time`, with `orderID` or a random one.
    public func order(
        _ orderID: OrderID? = nil, at time: Date, using generator: inout some RandomNumberGenerator
    ) -> Order {
        let id = orderID ?? Self.randomOrderID(using: &generator)
        let item = item ?? catalog.items.randomElement(using: &generator) ?? catalog.items[0]
        let quantity = quantity ?? Int.random(in: 1...3, using: &generator)
        return Order(orderID: id, customerID: customerID, item: item, quantity: quantity, placedAt: time)
    }

    /// 12 lower-case hexadecimal digits (48 random bits): ids of separate runs do not collide in
    /// practice, so the order agent's memory never takes a new order for a duplicate.
    public static func randomOrderID(using generator: inout some RandomNumberGenerator) -> OrderID {
        let bits = generator.next() & 0xFFFF_FFFF_FFFF
        let hex = String(bits, radix: 16)
        // Hexadecimal digits are always a valid id.
        return try! OrderID(String(repeating: "0", count: 12 - hex.count) + hex)
    }
}

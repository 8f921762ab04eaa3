extension ShopOptions {
    /// The item of a single order placed without `--item`.
    public static let defaultItem = "Drawing Book"

    /// How many orders `shop customer` places: `--count`, else one.
    public var orderCount: Int { count ?? 1 }

    /// `--customer`, else `customer-` and 6 random hexadecimal digits.
    public func customerID(using generator: inout some RandomNumberGenerator) -> CustomerID {
        if let customerID { return customerID }
        let digits = String(generator.next() & 0xFF_FFFF, radix: 16)
        // Hexadecimal digits after a fixed prefix are always a valid id.
        return try! CustomerID("customer-" + String(repeating: "0", count: 6 - digits.count) + digits)
    }

    /// The orders to place: one from the flags (`--item`, else Drawing Book; `--quantity`, else 1),
    /// or with `--count`, random ones where `--item` and `--quantity` are not given.
    public func orderFactory(for customerID: CustomerID, catalog: Catalog = .standard) -> OrderFactory {
        guard count == nil else {
            return OrderFactory(customerID: customerID, catalog: catalog, item: item, quantity: quantity)
        }
        return OrderFactory(
            customerID: customerID, catalog: catalog, item: item ?? Self.defaultItem, quantity: quantity ?? 1)
    }
}

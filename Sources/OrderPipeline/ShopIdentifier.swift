// Order and customer ids become topic levels (`shop/orders/<order-id>/<stage>`,
// `shop/customers/<customer-id>/notifications`), so an id must be exactly one level that matches
// only itself: not empty, no `/` (a level separator), no `+` or `#` (wildcards, which a topic name
// must not contain [MQTT-4.7.3-1] and which would turn a subscription into a wildcard one), no
// U+0000 [MQTT-4.7.3-2] and no other control character. 64 UTF-8 bytes at most keeps every topic
// short.

/// What a `ShopIdentifier` names; gives error messages their noun.
public protocol IdentifierKind: Sendable {
    /// "order id", "customer id".
    static var noun: String { get }
}

/// Marks an `OrderID`.
public enum OrderIDKind: IdentifierKind {
    public static var noun: String { "order id" }
}

/// Marks a `CustomerID`.
public enum CustomerIDKind: IdentifierKind {
    public static var noun: String { "customer id" }
}

/// An id that is safe as one topic level. Encodes as a plain JSON string; decoding validates it.
public struct ShopIdentifier<Kind: IdentifierKind>: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Longest id, in UTF-8 bytes.
    public static var maximumLength: Int { 64 }

    /// The id as it appears in topics and JSON.
    public let rawValue: String

    /// Validates `text` as an id.
    public init(_ text: String) throws(IdentifierError) {
        if let problem = Self.problem(in: text) {
            throw IdentifierError(noun: Kind.noun, value: text, problem: problem)
        }
        rawValue = text
    }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    private static func problem(in text: String) -> IdentifierError.Problem? {
        if text.isEmpty { return .empty }
        if text.utf8.count > maximumLength { return .tooLong(maximum: maximumLength) }
        for scalar in text.unicodeScalars {
            if scalar == "/" || scalar == "+" || scalar == "#" || scalar.properties.generalCategory == .control {
                return .reservedCharacter(scalar)
            }
        }
        return nil
    }
}

extension ShopIdentifier: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Identifies an order; one topic level.
public typealias OrderID = ShopIdentifier<OrderIDKind>
/// Identifies a customer; one topic level.
public typealias CustomerID = ShopIdentifier<CustomerIDKind>

/// Why a string cannot be an `OrderID` or `CustomerID`.
public struct IdentifierError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong with the text.
    public enum Problem: Sendable, Hashable {
        case empty
        /// Longer than `maximum` UTF-8 bytes.
        case tooLong(maximum: Int)
        /// `/`, `+`, `#` or a control character.
        case reservedCharacter(Unicode.Scalar)
    }

    /// "order id" or "customer id".
    public let noun: String
    public let value: String
    public let problem: Problem

    public var description: String {
        switch problem {
        case .empty:
            return "\(noun) is empty"
        case .tooLong(let maximum):
            return "\(noun) is longer than \(maximum) bytes"
        case .reservedCharacter(let scalar):
            let shown =
                scalar.properties.generalCategory == .control
                ? "control character U+\(String(scalar.value, radix: 16, uppercase: true))" : "\"\(scalar)\""
            return "\(noun) \"\(value.unicodeScalars.map { $0.escaped(asASCII: true) }.joined())\" contains \(shown), "
                + "which cannot stand in one topic level"
        }
    }
}

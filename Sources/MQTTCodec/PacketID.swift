/// A packet identifier: the non-zero 16-bit number that pairs a packet with its acknowledgement
/// [MQTT-2.3.1-1].
public struct PacketID: RawRepresentable, Sendable, Hashable, Comparable {
    public let rawValue: UInt16

    /// Returns nil for zero, which the spec forbids [MQTT-2.3.1-1].
    public init?(rawValue: UInt16) {
        guard rawValue != 0 else { return nil }
        self.rawValue = rawValue
    }

    /// The identifier after this one, wrapping from 65535 back to 1.
    public var next: PacketID { PacketID(rawValue: rawValue == .max ? 1 : rawValue + 1)! }

    public static let first = PacketID(rawValue: 1)!

    public static func < (lhs: PacketID, rhs: PacketID) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension PacketID: ExpressibleByIntegerLiteral {
    /// For tests and constants; traps on zero.
    public init(integerLiteral value: UInt16) {
        guard let id = PacketID(rawValue: value) else { preconditionFailure("packet identifier 0 is not allowed") }
        self = id
    }
}

extension PacketID: CustomStringConvertible {
    public var description: String { String(rawValue) }
}

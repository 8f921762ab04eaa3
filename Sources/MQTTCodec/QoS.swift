/// The delivery guarantee of a message, named by meaning (MQTT 3.1.1 section 4.3).
public enum QoS: UInt8, Sendable, Hashable, Comparable, CaseIterable {
    case atMostOnce = 0
    case atLeastOnce = 1
    case exactlyOnce = 2

    public static func < (lhs: QoS, rhs: QoS) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension QoS: CustomStringConvertible {
    public var description: String { "QoS \(rawValue)" }
}

/// The category of one log message, named after Mosquitto's `log_type` values.
/// The raw value is the category's bit in `LogTypes`.
public enum LogType: UInt8, Sendable, Hashable, CaseIterable {
    case error
    case warning
    case notice
    case information
    /// Packet-level tracing; never published on `$SYS/broker/log` in Mosquitto.
    case debug
    case subscribe
    case unsubscribe
    case websockets
    /// Mosquitto accepts `log_type internal` without documenting it; kept so such configurations load.
    case `internal`

    /// The word `log_type` uses for this category.
    public var configurationName: String {
        switch self {
        case .error: "error"
        case .warning: "warning"
        case .notice: "notice"
        case .information: "information"
        case .debug: "debug"
        case .subscribe: "subscribe"
        case .unsubscribe: "unsubscribe"
        case .websockets: "websockets"
        case .internal: "internal"
        }
    }
}

/// A set of log categories: what `log_type` lines select.
public struct LogTypes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16

    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// The set holding exactly `type`.
    public init(_ type: LogType) {
        self.init(rawValue: 1 << type.rawValue)
    }

    public static let error = LogTypes(.error)
    public static let warning = LogTypes(.warning)
    public static let notice = LogTypes(.notice)
    public static let information = LogTypes(.information)
    public static let debug = LogTypes(.debug)
    public static let subscribe = LogTypes(.subscribe)
    public static let unsubscribe = LogTypes(.unsubscribe)
    public static let websockets = LogTypes(.websockets)
    public static let `internal` = LogTypes(.internal)

    /// Mosquitto's default: error, warning, notice and information.
    public static let standard: LogTypes = [.error, .warning, .notice, .information]
    /// `log_type all`, and what `-v` selects.
    public static let all = LogTypes(rawValue: (1 << UInt16(LogType.allCases.count)) - 1)

    /// Whether messages of `type` pass this filter.
    public func includes(_ type: LogType) -> Bool {
        contains(LogTypes(type))
    }
}

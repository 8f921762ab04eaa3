/// Why `shop`'s command line or environment cannot be used. Print `description` on standard
/// error, then the usage text, and exit 2.
public enum ShopOptionsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `shop` with no subcommand.
    case missingRole
    /// A subcommand `ShopRole` does not list.
    case unknownRole(String)
    /// A flag `shop` does not have.
    case unknownOption(String)
    /// A flag `shop` has, but not for this subcommand.
    case optionNotForRole(option: String, role: ShopRole)
    /// A flag is the last argument.
    case missingValue(option: String)
    /// `source` (a flag or an environment variable) has a value that is not `expected`.
    case invalidValue(source: String, value: String, expected: String)
    /// A password without a user name, which MQTT does not allow [MQTT-3.1.2-22].
    case passwordWithoutUsername
    /// Two flags that cannot be used together.
    case conflictingOptions(String, String)

    /// The exit status for a bad command line (as for most command-line tools).
    public static let exitCode: Int32 = 2

    public var description: String {
        switch self {
        case .missingRole:
            "shop: missing subcommand; one of " + ShopRole.allCases.map(\.rawValue).joined(separator: ", ")
        case .unknownRole(let name):
            "shop: unknown subcommand '\(name)'; one of " + ShopRole.allCases.map(\.rawValue).joined(separator: ", ")
        case .unknownOption(let option):
            "shop: unknown option '\(option)'"
        case .optionNotForRole(let option, let role):
            "shop \(role.rawValue): \(option) does not apply to this subcommand"
        case .missingValue(let option):
            "shop: \(option) needs a value"
        case .invalidValue(let source, let value, let expected):
            "shop: \(source): '\(value)' is not \(expected)"
        case .passwordWithoutUsername:
            "shop: a password (--password, MQTT_PASSWORD) needs a user name (--username, MQTT_USERNAME)"
        case .conflictingOptions(let first, let second):
            "shop: \(first) and \(second) cannot be used together"
        }
    }
}

/// Why the `starling` command line cannot be used. Print `description` on standard error, then
/// `BrokerCommandLine.usage()` on standard output when `showsUsage`, and exit with
/// `BrokerCommandLine.errorExitCode`, as mosquitto does.
public enum CommandLineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An option neither mosquitto nor Starling has.
    case unknownOption(String)
    /// `-c`, `-p` or `--threads` is the last argument.
    case missingValue(option: String)
    /// A `-p` value that is not a port number (1...65535).
    case invalidPort(String)
    /// A `--threads` value outside `BrokerCommandLine.threadRange`.
    case invalidThreadCount(String)

    /// Whether the usage text should follow the error (mosquitto prints it for unknown options).
    public var showsUsage: Bool {
        switch self {
        case .unknownOption: true
        case .missingValue, .invalidPort, .invalidThreadCount: false
        }
    }

    /// mosquitto's wording where it has one, for example `Error: Unknown option '-x'.`
    public var description: String {
        switch self {
        case .unknownOption(let option):
            "Error: Unknown option '\(option)'."
        case .missingValue(let option):
            "Error: \(option) argument given, but no \(Self.valueName(of: option)) specified."
        case .invalidPort(let text):
            "Error: Invalid port specified (\(text))."
        case .invalidThreadCount(let text):
            "Error: Invalid thread count specified (\(text)); it must be between "
                + "\(BrokerCommandLine.threadRange.lowerBound) and \(BrokerCommandLine.threadRange.upperBound)."
        }
    }

    private static func valueName(of option: String) -> String {
        switch option {
        case "-c", "--config-file": "config file"
        case "-p", "--port": "port"
        default: "thread count"
        }
    }
}

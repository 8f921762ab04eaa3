/// A line of a configuration file.
public struct ConfigurationLocation: Sendable, Hashable, CustomStringConvertible {
    /// The path as it was given (`-c`) or built (`include_dir` + file name).
    public let file: String
    /// 1-based.
    public let line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    /// `FILE:LINE`.
    public var description: String { "\(file):\(line)" }
}

/// Why a configuration cannot be used. The broker must not start; `description` is the message
/// to print, in Mosquitto's `Error: ...` shape, naming the file and line at fault.
public enum ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file given with `-c` cannot be read.
    case unreadableFile(path: String, reason: String)
    /// A `*.conf` file in an `include_dir` cannot be read; `at` is the `include_dir` line.
    case unreadableIncludedFile(path: String, reason: String, at: ConfigurationLocation)
    /// The directory of an `include_dir` line cannot be listed.
    case unreadableDirectory(path: String, reason: String, at: ConfigurationLocation)
    /// Neither Mosquitto 2.0 nor Starling knows the key.
    case unknownKey(String, at: ConfigurationLocation)
    /// The key needs a value and has none.
    case missingValue(key: String, at: ConfigurationLocation)
    /// Words follow a value that is a single word.
    case unexpectedWords(key: String, words: String, at: ConfigurationLocation)
    /// A value that must be an integer is not one.
    case notANumber(key: String, value: String, at: ConfigurationLocation)
    /// An integer outside the range the key allows.
    case outOfRange(key: String, value: String, range: ClosedRange<Int>, at: ConfigurationLocation)
    /// A value that must be `true` or `false` is neither.
    case notABoolean(key: String, value: String, at: ConfigurationLocation)
    /// A value that must be one of a few words is none of them.
    case notAChoice(key: String, value: String, choices: [String], at: ConfigurationLocation)
    /// `persistent_client_expiration` is not a positive number followed by h, d, w, m or y.
    case notADuration(key: String, value: String, at: ConfigurationLocation)
    /// A key that takes one value is given a second time (Mosquitto refuses this too).
    case duplicateValue(key: String, at: ConfigurationLocation, first: ConfigurationLocation)
    /// Two listeners on the same port and address.
    case duplicateListener(port: UInt16, address: String?, at: ConfigurationLocation, first: ConfigurationLocation)
    /// A Mosquitto feature Starling lacks, where ignoring the line would weaken security or leave
    /// clients unable to reach the broker as configured.
    case unsupported(key: String, reason: String, at: ConfigurationLocation)

    /// The line at fault, when the error has one.
    public var location: ConfigurationLocation? {
        switch self {
        case .unreadableFile: nil
        case .unreadableIncludedFile(_, _, let at), .unreadableDirectory(_, _, let at), .unknownKey(_, let at),
            .missingValue(_, let at), .unexpectedWords(_, _, let at), .notANumber(_, _, let at),
            .outOfRange(_, _, _, let at), .notABoolean(_, _, let at), .notAChoice(_, _, _, let at),
            .notADuration(_, _, let at), .duplicateValue(_, let at, _), .duplicateListener(_, _, let at, _),
            .unsupported(_, _, let at):
            at
        }
    }

    /// For example `Error: /etc/starling.conf:12: max_inflight_messages: "abc" is not a number.`
    public var description: String {
        guard let location else { return "Error: \(detail)." }
        return "Error: \(location): \(detail)."
    }

    private var detail: String {
        switch self {
        case .unreadableFile(let path, let reason):
            "cannot read configuration file \(quoted(path)): \(reason)"
        case .unreadableIncludedFile(let path, let reason, _):
            "include_dir: cannot read \(quoted(path)): \(reason)"
        case .unreadableDirectory(let path, let reason, _):
            "include_dir: cannot open directory \(quoted(path)): \(reason)"
        case .unknownKey(let key, _):
            "\(quoted(key)) is not a configuration key"
        case .missingValue(let key, _):
            "\(key): missing value"
        case .unexpectedWords(let key, let words, _):
            "\(key): unexpected \(quoted(words)) after the value"
        case .notANumber(let key, let value, _):
            "\(key): \(quoted(value)) is not a number"
        case .outOfRange(let key, let value, let range, _):
            "\(key): \(value) is out of range (\(range.lowerBound) to \(range.upperBound))"
        case .notABoolean(let key, let value, _):
            "\(key): \(quoted(value)) is not true or false"
        case .notAChoice(let key, let value, let choices, _):
            "\(key): \(quoted(value)) is not one of \(choices.joined(separator: ", "))"
        case .notADuration(let key, let value, _):
            "\(key): \(quoted(value)) is not a duration (a positive number followed by h, d, w, m or y)"
        case .duplicateValue(let key, _, let first):
            "\(key): already set at \(first)"
        case .duplicateListener(let port, let address, _, let first):
            "listener: port \(port) on \(address.map(quoted) ?? "all interfaces") is already defined at \(first)"
        case .unsupported(let key, let reason, _):
            "\(key): \(reason)"
        }
    }
}

private func quoted(_ text: String) -> String {
    "\"\(text)\""
}

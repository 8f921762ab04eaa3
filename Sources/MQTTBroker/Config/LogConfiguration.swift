/// How the broker logs: the settings `BrokerLog` is made from.
public struct LogConfiguration: Sendable, Hashable {
    /// `log_dest`: where lines go. Defaults to standard error.
    public var destinations = LogDestinations.standardError
    /// `log_type`: which categories are written. Defaults to error, warning, notice and information.
    public var types = LogTypes.standard
    /// `log_timestamp`: whether each line starts with a timestamp.
    public var timestamp = true
    /// `log_timestamp_format`: a strftime(3) format for the timestamp (local time); nil writes
    /// seconds since the Unix epoch.
    public var timestampFormat: String?
    /// `connection_messages`: whether connects and disconnects are logged.
    public var connectionMessages = true

    public init() {}
}

/// The `log_dest` destinations Starling writes to.
public struct LogDestinations: Sendable, Hashable {
    public var standardError: Bool
    public var standardOutput: Bool
    /// `log_dest file PATH`: appended to, created if missing.
    public var file: String?
    /// `log_dest topic`: lines are published on `$SYS/broker/log/...` by the broker itself.
    public var topic: Bool

    public init(standardError: Bool = false, standardOutput: Bool = false, file: String? = nil, topic: Bool = false) {
        self.standardError = standardError
        self.standardOutput = standardOutput
        self.file = file
        self.topic = topic
    }

    /// Mosquitto's default destination.
    public static let standardError = LogDestinations(standardError: true)
    /// `log_dest none`.
    public static let none = LogDestinations()
}

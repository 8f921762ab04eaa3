import Glibc

/// The broker's logger: a value every event loop may copy and call at once. Lines have Mosquitto's
/// shape, `1700000000: New client connected from 127.0.0.1:50000 as ID (p2, c1, k60).`: a timestamp
/// (Unix seconds, or `log_timestamp_format` applied to local time), `: `, the message.
///
/// A message whose category `log_type` does not select costs one bit test: its text is an
/// autoclosure that is never evaluated.
public struct BrokerLog: Sendable {
    private let types: LogTypes
    private let timestamp: LogTimestamp
    private let outputs: [any LogOutput]
    private let files: [FileOutput]
    private let clock: @Sendable () -> Int

    /// `connection_messages`: whether the broker logs connects and disconnects.
    public let connectionMessages: Bool
    /// `log_dest topic` was requested: the broker publishes log lines on `$SYS/broker/log/...`
    /// itself, through an output it passes as `additionalOutputs`.
    public let publishesToTopic: Bool

    /// Opens the destinations `configuration` names (the log file is created if missing).
    /// - Parameters:
    ///   - additionalOutputs: outputs beside `log_dest`'s: the broker's `$SYS` publisher, or a test's capture.
    ///   - clock: seconds since the Unix epoch; tests pass a fixed value.
    public init(
        configuration: LogConfiguration, additionalOutputs: [any LogOutput] = [],
        clock: @escaping @Sendable () -> Int = { Int(time(nil)) }
    ) throws(LogFileError) {
        let destinations = configuration.destinations
        var outputs: [any LogOutput] = []
        if destinations.standardError { outputs.append(StandardStreamOutput.standardError) }
        if destinations.standardOutput { outputs.append(StandardStreamOutput.standardOutput) }
        var files: [FileOutput] = []
        if let path = destinations.file { files.append(try FileOutput(path: path)) }
        self.init(
            configuration: configuration, outputs: outputs + files + additionalOutputs, files: files, clock: clock)
    }

    private init(
        configuration: LogConfiguration, outputs: [any LogOutput], files: [FileOutput],
        clock: @escaping @Sendable () -> Int
    ) {
        self.outputs = outputs
        self.files = files
        self.types = outputs.isEmpty ? [] : configuration.types
        self.timestamp = LogTimestamp(enabled: configuration.timestamp, format: configuration.timestampFormat)
        self.clock = clock
        self.connectionMessages = configuration.connectionMessages
        self.publishesToTopic = configuration.destinations.topic
    }

    /// A log that writes nothing.
    public static let disabled = BrokerLog(configuration: LogConfiguration(), outputs: [], files: [], clock: { 0 })

    /// Whether messages of `type` are written anywhere.
    public func isEnabled(_ type: LogType) -> Bool {
        types.includes(type)
    }

    /// Writes `message` as one line to every output, if `log_type` selects `type`.
    public func log(_ type: LogType, _ message: @autoclosure () -> String) {
        guard types.includes(type) else { return }
        let line = timestamp.prefix(at: clock()) + message()
        for output in outputs {
            output.write(line: line, type: type)
        }
    }

    /// Opens the log file again, after log rotation moved it (Mosquitto does this on SIGHUP).
    public func reopenFile() throws(LogFileError) {
        for file in files {
            try file.reopen()
        }
    }
}

/// How a line starts: nothing (`log_timestamp false`), Unix seconds, or a strftime format.
enum LogTimestamp: Sendable, Hashable {
    case none
    case unixSeconds
    case format(String)

    init(enabled: Bool, format: String?) {
        if !enabled {
            self = .none
        } else if let format {
            self = .format(format)
        } else {
            self = .unixSeconds
        }
    }

    /// The text before the message, `: ` included, for the time `seconds` since the epoch.
    func prefix(at seconds: Int) -> String {
        switch self {
        case .none: ""
        case .unixSeconds: "\(seconds): "
        case .format(let format): Self.formatted(seconds, format) + ": "
        }
    }

    private static func formatted(_ seconds: Int, _ format: String) -> String {
        var time = time_t(seconds)
        var parts = tm()
        guard localtime_r(&time, &parts) != nil else { return "\(seconds)" }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) { buffer in
            // 0 means the result did not fit, and the buffer's content is then undefined.
            strftime(buffer.baseAddress!, buffer.count, format, &parts) == 0 ? "" : String(cString: buffer.baseAddress!)
        }
    }
}

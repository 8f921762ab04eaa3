/// Where the broker's log lines go. Called from every loop; the sink serialises output itself.
public struct LogSink: Sendable {
    private let write: @Sendable (LogLevel, String) -> Void
    public let isVerbose: Bool

    public init(isVerbose: Bool = false, _ write: @escaping @Sendable (LogLevel, String) -> Void) {
        self.isVerbose = isVerbose
        self.write = write
    }

    public func log(_ level: LogLevel, _ message: String) {
        write(level, message)
    }

    /// Discards everything (tests).
    public static let none = LogSink { _, _ in }
}

/// A line Starling accepts but does not act on as Mosquitto would. The broker starts and logs
/// `description` as a warning.
public struct ConfigurationWarning: Sendable, Hashable, CustomStringConvertible {
    /// The line at fault; nil for warnings about command-line options.
    public let location: ConfigurationLocation?
    /// What is ignored and why, starting with the key or option; no final period.
    public let message: String

    public init(location: ConfigurationLocation?, message: String) {
        self.location = location
        self.message = message
    }

    /// For example `Warning: /etc/starling.conf:3: user: Starling does not change user; ignored.`
    public var description: String {
        guard let location else { return "Warning: \(message)." }
        return "Warning: \(location): \(message)."
    }
}

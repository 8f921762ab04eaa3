import Foundation

// The `starling` command line, read like mosquitto 2.0.11's. As in mosquitto, -p only matters in
// local only mode: each -p port replaces 1883 on the loopback listeners (127.0.0.1 and ::1, no
// remote access), and -p is ignored once the configuration defines a listener (mosquitto ignores
// it silently; Starling warns). mosquitto 2.0.11 crashes on a second -p; Starling takes several.
// Several -c files are read in order into one configuration, as mosquitto reads them.

/// The options `starling` was started with. `init(arguments:)` only reads the arguments;
/// `launch()` then reads the configuration files and merges the options onto them.
public struct BrokerCommandLine: Sendable, Hashable {
    /// What the command line asks for.
    public enum Request: Sendable, Hashable {
        /// Run the broker.
        case run
        /// Print `usage()` on standard output and exit 0 (mosquitto exits 3).
        case help
        /// Print `versionLine` on standard output and exit 0.
        case version
    }

    /// The version `--version` prints.
    public static let version = "0.1.0"
    /// `starling version X`, printed by `--version` and at the top of the usage text.
    public static let versionLine = "starling version \(version)"
    /// The exit status for a bad command line or configuration: mosquitto's (MOSQ_ERR_INVAL).
    public static let errorExitCode: Int32 = 3
    /// Bounds of `--threads`.
    public static let threadRange = 1...1024

    public var request = Request.run
    /// `-c` / `--config-file`, in order.
    public var configFiles: [String] = []
    /// `-p` / `--port`, in order, without repeats.
    public var ports: [UInt16] = []
    /// `-v` / `--verbose`: log every category, whatever `log_type` says.
    public var verbose = false
    /// `-d` / `--daemon`: accepted, with a warning; Starling stays in the foreground.
    public var daemon = false
    /// `--threads`: event loop threads; nil means one per core.
    public var threads: Int?

    /// Reads `arguments` (without the program name). `-h` or `--version` ends the reading, as
    /// mosquitto stops at `-h`.
    public init(arguments: [String]) throws(CommandLineError) {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "-c", "--config-file": configFiles.append(try Self.value(of: argument, from: &remaining))
            case "-d", "--daemon": daemon = true
            case "-h", "--help": request = .help
            case "--version": request = .version
            case "-p", "--port": try addPort(Self.value(of: argument, from: &remaining))
            case "--threads": try setThreads(Self.value(of: argument, from: &remaining))
            case "-v", "--verbose": verbose = true
            default: throw .unknownOption(argument)
            }
            if request != .run { return }
        }
    }

    /// Reads the configuration files (none: Mosquitto's defaults, local only mode) and applies the
    /// options to them.
    /// - Parameter processorCount: the default for `--threads`.
    public func launch(
        processorCount: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws(ConfigurationError) -> BrokerLaunch {
        try launch(processorCount: processorCount, loader: ConfigurationLoader(fileSystem: LocalFileSystem()))
    }

    func launch(processorCount: Int, loader: ConfigurationLoader) throws(ConfigurationError) -> BrokerLaunch {
        var loaded = try loader.load(fromFiles: configFiles)
        var configuration = loaded.configuration
        if !ports.isEmpty {
            if configuration.isLocalOnly {
                configuration.listeners = ports.flatMap { port in
                    configuration.listeners.map { listener in
                        var listener = listener
                        listener.port = port
                        return listener
                    }
                }
            } else {
                loaded.warnings.append(
                    ConfigurationWarning(
                        location: nil,
                        message: "-p: ignored because the configuration defines listeners (as in mosquitto)"))
            }
        }
        if verbose { configuration.logging.types = .all }
        if daemon {
            loaded.warnings.append(
                ConfigurationWarning(
                    location: nil,
                    message: "-d: Starling does not put itself in the background; run it under a service manager. "
                        + "Ignored"))
        }
        return BrokerLaunch(
            configuration: configuration, threads: threads ?? max(1, processorCount), configFiles: configFiles,
            warnings: loaded.warnings)
    }

    private static func value(
        of option: String, from remaining: inout ArraySlice<String>
    ) throws(CommandLineError) -> String {
        guard let value = remaining.popFirst() else { throw .missingValue(option: option) }
        return value
    }

    private mutating func addPort(_ text: String) throws(CommandLineError) {
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let port = UInt16(text), port > 0 else {
            throw .invalidPort(text)
        }
        if !ports.contains(port) { ports.append(port) }
    }

    private mutating func setThreads(_ text: String) throws(CommandLineError) {
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Int(text), Self.threadRange.contains(count)
        else { throw .invalidThreadCount(text) }
        threads = count
    }
}

/// What the broker runs with: the configuration with the command line applied.
public struct BrokerLaunch: Sendable, Hashable {
    public var configuration: BrokerConfiguration
    /// Event loop threads.
    public var threads: Int
    /// The configuration files read, for the "Config loaded from ..." line; empty when none was given.
    public var configFiles: [String]
    /// To log as warnings when the broker starts.
    public var warnings: [ConfigurationWarning]
}

// Applies configuration lines in file order, as Mosquitto does, then resolves what depends on the
// whole file: local only mode, the default of allow_anonymous, log_type and log_dest.
//
// Mosquitto 2.0 rules followed here (checked against mosquitto 2.0.11):
// - with no `listener`, `port` or `bind_address` the broker runs in local only mode: 127.0.0.1 and
//   ::1 on port 1883, anonymous clients allowed even if allow_anonymous says false;
// - otherwise allow_anonymous defaults to false; `listener PORT` without an address binds all
//   interfaces; `port`/`bind_address` configure the deprecated default listener, which is opened
//   after the explicit listeners;
// - listener options (max_connections, socket_domain) apply to the latest `listener`, or to the
//   default listener before the first one;
// - the first log_type / log_dest line replaces the default, later ones add; `none` clears;
// - keys taking a path or a text are given at most once; numbers and booleans: the last one wins.

/// The state of a configuration being read.
struct ConfigurationParser {
    /// What the reader must do after a line.
    enum Effect: Equatable {
        case applied
        /// Read the `*.conf` files of this directory now, before the next line.
        case includeDirectory(String)
    }

    var configuration = BrokerConfiguration()
    var warnings: [ConfigurationWarning] = []
    var listeners: [(listener: ListenerConfiguration, location: ConfigurationLocation)] = []
    /// The listener `port` and `bind_address` configure, with options given before the first `listener`.
    var defaultListener = ListenerConfiguration(port: ListenerConfiguration.defaultPort)
    /// The first `port` or `bind_address` line: the default listener is opened.
    var defaultListenerLocation: ConfigurationLocation?
    /// Listener options given before the first `listener`.
    var defaultListenerOptions: [ConfigurationLine] = []
    var allowAnonymous: (value: Bool, location: ConfigurationLocation)?
    var logTypes: LogTypes?
    var logDestinations: LogDestinations?
    /// Where each key that may be given once was given.
    var singleValues: [String: ConfigurationLocation] = [:]

    /// Applies one line. `inMainFile` is false for files read through `include_dir`.
    mutating func apply(_ line: ConfigurationLine, inMainFile: Bool) throws(ConfigurationError) -> Effect {
        guard let key = HonouredKey(rawValue: line.key) else {
            try acceptUnhonoured(line)
            return .applied
        }
        switch key {
        case .aclFile: configuration.aclFile = try singleText(line)
        case .allowAnonymous: allowAnonymous = (try line.boolean(), line.location)
        case .allowZeroLengthClientID: configuration.allowZeroLengthClientID = try line.boolean()
        case .autoIDPrefix: configuration.autoIDPrefix = try singleText(line)
        case .autosaveInterval: configuration.persistence.autosaveInterval = try line.integer(in: 0...Self.int32Max)
        case .bindAddress: try setDefaultListenerAddress(line)
        case .connectionMessages: configuration.logging.connectionMessages = try line.boolean()
        case .includeDir: return try includeDirectory(line, inMainFile: inMainFile)
        case .listener: try addListener(line)
        case .logDest: try addLogDestination(line)
        case .logTimestamp: configuration.logging.timestamp = try line.boolean()
        case .logTimestampFormat: configuration.logging.timestampFormat = try singleText(line)
        case .logType: try addLogType(line)
        case .maxConnections: try setMaxConnections(line)
        case .maxInflightMessages: configuration.maxInflightMessages = try line.integer(in: 0...65535)
        case .maxKeepalive: configuration.maxKeepalive = try line.integer(in: 10...65535)
        case .maxPacketSize: configuration.maxPacketSize = try line.integer(in: 20...Self.largestPacket)
        case .maxQueuedBytes: configuration.maxQueuedBytes = try line.integer(in: 0...Int.max)
        case .maxQueuedMessages: configuration.maxQueuedMessages = try line.integer(in: 0...Self.int32Max)
        case .messageSizeLimit: configuration.messageSizeLimit = try line.integer(in: 0...Self.largestPayload)
        case .passwordFile: configuration.passwordFile = try singleText(line)
        case .persistence: configuration.persistence.isEnabled = try line.boolean()
        case .persistenceFile: configuration.persistence.file = try singleText(line)
        case .persistenceLocation: configuration.persistence.location = try singleText(line)
        case .persistentClientExpiration: configuration.persistentClientExpiration = try expiration(line)
        case .pidFile: configuration.pidFile = try singleText(line)
        case .port: try setDefaultListenerPort(line)
        case .queueQoS0Messages: configuration.queueQoS0Messages = try line.boolean()
        case .retainAvailable: configuration.retainAvailable = try line.boolean()
        case .setTCPNoDelay: configuration.setTCPNoDelay = try line.boolean()
        case .socketDomain: try setSocketDomain(line)
        case .sysInterval: configuration.sysInterval = try line.integer(in: 0...65535)
        case .upgradeOutgoingQoS: configuration.upgradeOutgoingQoS = try line.boolean()
        }
        return .applied
    }

    /// The configuration the lines applied so far describe, and the warnings they raised.
    func finish() throws(ConfigurationError) -> LoadedConfiguration {
        var result = configuration
        var warnings = self.warnings
        result.logging.types = logTypes ?? .standard
        result.logging.destinations = logDestinations ?? .standardError
        result.isLocalOnly = listeners.isEmpty && defaultListenerLocation == nil
        if result.isLocalOnly {
            result.listeners = localOnlyListeners()
            result.allowAnonymous = true
            if let allowAnonymous, !allowAnonymous.value {
                warnings.append(
                    ConfigurationWarning(
                        location: allowAnonymous.location,
                        message: "allow_anonymous: false has no effect in local only mode, where anonymous "
                            + "clients may connect from this machine (as in Mosquitto); define a listener to "
                            + "require a user name"))
            }
        } else {
            result.listeners = try explicitAndDefaultListeners()
            result.allowAnonymous = allowAnonymous?.value ?? false
            if defaultListenerLocation == nil {
                warnings += defaultListenerOptions.map { line in
                    ConfigurationWarning(
                        location: line.location,
                        message: "\(line.key): given before the first listener and no port or bind_address opens "
                            + "the default listener it applies to; ignored")
                }
            }
        }
        return LoadedConfiguration(configuration: result, warnings: warnings)
    }
}

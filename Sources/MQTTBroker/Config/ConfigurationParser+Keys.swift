extension ConfigurationParser {
    static let int32Max = Int(Int32.max)
    /// The largest PUBLISH payload MQTT can carry: the largest remaining length.
    static let largestPayload = 268_435_455
    /// The largest whole MQTT packet: fixed header byte, four length bytes, largest remaining length.
    static let largestPacket = 268_435_460

    /// A text value of a key that may be given only once (Mosquitto refuses a second one too).
    mutating func singleText(_ line: ConfigurationLine) throws(ConfigurationError) -> String {
        try singleText(line, key: line.key, text: line.text())
    }

    private mutating func singleText(
        _ line: ConfigurationLine, key: String, text: String
    ) throws(ConfigurationError) -> String {
        if let first = singleValues[key] { throw .duplicateValue(key: key, at: line.location, first: first) }
        singleValues[key] = line.location
        return text
    }

    mutating func acceptUnhonoured(_ line: ConfigurationLine) throws(ConfigurationError) {
        switch UnhonouredKey.treatment(of: line.key) {
        case nil:
            throw .unknownKey(line.key, at: line.location)
        case .ignored(let reason):
            warnings.append(ConfigurationWarning(location: line.location, message: "\(line.key): \(reason)"))
        case .refused(let reason):
            throw .unsupported(key: line.key, reason: reason, at: line.location)
        case .defaultOnly(let accepted, let reason):
            guard accepted.contains(try line.word()) else {
                throw .unsupported(
                    key: line.key, reason: "\(reason); only \(accepted[0]) is accepted", at: line.location)
            }
        }
    }

    mutating func includeDirectory(_ line: ConfigurationLine, inMainFile: Bool) throws(ConfigurationError) -> Effect {
        let directory = try line.text()
        guard inMainFile else {
            warnings.append(
                ConfigurationWarning(
                    location: line.location,
                    message: "include_dir: read only in the main configuration file, as in Mosquitto; ignored"))
            return .applied
        }
        return .includeDirectory(directory)
    }

    /// `persistent_client_expiration`: a positive count of hours, days, weeks, months (30 days) or
    /// years (365 days), in seconds.
    func expiration(_ line: ConfigurationLine) throws(ConfigurationError) -> Int {
        let word = try line.word()
        let units: KeyValuePairs<Character, Int> = [
            "h": 3600, "d": 86400, "w": 7 * 86400, "m": 30 * 86400, "y": 365 * 86400,
        ]
        let count = word.dropLast()
        guard let unit = word.last, let seconds = units.first(where: { $0.key == unit })?.value,
            !count.isEmpty, count.allSatisfy({ $0.isASCII && $0.isNumber }),
            let number = Int(count), number > 0
        else { throw .notADuration(key: line.key, value: word, at: line.location) }
        let (total, overflow) = number.multipliedReportingOverflow(by: seconds)
        guard !overflow else { throw .notADuration(key: line.key, value: word, at: line.location) }
        return total
    }

    // MARK: Listeners

    mutating func addListener(_ line: ConfigurationLine) throws(ConfigurationError) {
        let words = try line.words(1...2)
        let port = try line.integer(words[0], in: 0...65535)
        guard port != 0 else {
            throw .unsupported(
                key: line.key, reason: "port 0 makes a Unix socket listener, which Starling does not support",
                at: line.location)
        }
        let listener = ListenerConfiguration(port: UInt16(port), address: words.count > 1 ? words[1] : nil)
        if let existing = listeners.first(where: { $0.listener.bindsSameSocket(as: listener) }) {
            throw .duplicateListener(
                port: listener.port, address: listener.address, at: line.location, first: existing.location)
        }
        listeners.append((listener, line.location))
    }

    mutating func setDefaultListenerPort(_ line: ConfigurationLine) throws(ConfigurationError) {
        defaultListener.port = UInt16(try line.integer(in: 1...65535))
        defaultListenerLocation = defaultListenerLocation ?? line.location
    }

    mutating func setDefaultListenerAddress(_ line: ConfigurationLine) throws(ConfigurationError) {
        defaultListener.address = try singleText(line)
        defaultListenerLocation = defaultListenerLocation ?? line.location
    }

    /// `max_connections`: -1 (and 0, as Mosquitto reads it) mean no limit.
    mutating func setMaxConnections(_ line: ConfigurationLine) throws(ConfigurationError) {
        let limit = try line.integer(in: -1...Self.int32Max)
        updateCurrentListener(line) { $0.maxConnections = limit > 0 ? limit : nil }
    }

    mutating func setSocketDomain(_ line: ConfigurationLine) throws(ConfigurationError) {
        let domain: ListenerConfiguration.SocketDomain = try line.choice(["ipv4": .ipv4, "ipv6": .ipv6])
        updateCurrentListener(line) { $0.socketDomain = domain }
    }

    private mutating func updateCurrentListener(
        _ line: ConfigurationLine, _ update: (inout ListenerConfiguration) -> Void
    ) {
        if listeners.isEmpty {
            update(&defaultListener)
            defaultListenerOptions.append(line)
        } else {
            update(&listeners[listeners.count - 1].listener)
        }
    }

    /// Local only mode's loopback listeners, with the listener options given before any listener.
    func localOnlyListeners() -> [ListenerConfiguration] {
        ListenerConfiguration.localOnly(port: ListenerConfiguration.defaultPort).compactMap { loopback in
            if let domain = defaultListener.socketDomain, domain != loopback.socketDomain { return nil }
            var listener = loopback
            listener.maxConnections = defaultListener.maxConnections
            return listener
        }
    }

    /// The `listener` lines in order, then the default listener if `port` or `bind_address` opened it.
    func explicitAndDefaultListeners() throws(ConfigurationError) -> [ListenerConfiguration] {
        var result = listeners.map(\.listener)
        if let location = defaultListenerLocation {
            if let clash = listeners.first(where: { $0.listener.bindsSameSocket(as: defaultListener) }) {
                throw .duplicateListener(
                    port: defaultListener.port, address: defaultListener.address, at: location, first: clash.location)
            }
            result.append(defaultListener)
        }
        return result
    }

    // MARK: Logging

    mutating func addLogDestination(_ line: ConfigurationLine) throws(ConfigurationError) {
        enum Destination { case standardError, standardOutput, file, syslog, topic, dlt, none }
        guard let word = line.words.first else { throw .missingValue(key: line.key, at: line.location) }
        let destination: Destination = try line.choice(
            String(word),
            [
                "stderr": .standardError, "stdout": .standardOutput, "file": .file, "syslog": .syslog,
                "topic": .topic, "dlt": .dlt, "none": .none,
            ])
        var destinations = logDestinations ?? .none
        if destination == .file {
            destinations.file = try singleText(line, key: "log_dest file", text: line.textAfterFirstWord())
        } else {
            _ = try line.word()
        }
        switch destination {
        case .standardError: destinations.standardError = true
        case .standardOutput: destinations.standardOutput = true
        case .topic: destinations.topic = true
        case .none: destinations = .none
        case .file: break
        case .syslog, .dlt:
            warnings.append(
                ConfigurationWarning(
                    location: line.location, message: "log_dest: \(word) is not supported by Starling; ignored"))
        }
        logDestinations = destinations
    }

    mutating func addLogType(_ line: ConfigurationLine) throws(ConfigurationError) {
        var choices: [(String, LogTypes)] = LogType.allCases.map { ($0.configurationName, LogTypes($0)) }
        choices += [("none", []), ("all", .all)]
        let word = try line.word()
        guard let types = choices.first(where: { $0.0 == word })?.1 else {
            throw .notAChoice(key: line.key, value: word, choices: choices.map(\.0), at: line.location)
        }
        logTypes = types.isEmpty ? [] : (logTypes ?? []).union(types)
    }
}

extension ListenerConfiguration {
    /// Whether both would bind the same port on the same address (the same text; names are not resolved).
    fileprivate func bindsSameSocket(as other: ListenerConfiguration) -> Bool {
        port == other.port && address == other.address
    }
}

// The flags starling-pub and starling-sub share, parsed and checked with mosquitto_pub/mosquitto_sub's
// rules and messages (Mosquitto 2.0's client_shared.c).

import Foundation
import MQTTClient
import MQTTCodec

/// Which tool is parsing: some flags belong to one of them only.
enum Tool: String, Sendable {
    case pub = "starling-pub"
    case sub = "starling-sub"
}

/// Broker address, identity, session and will: everything that becomes `ClientOptions`.
struct ConnectionFlags: Sendable {
    var host = "localhost"
    var port: UInt16 = 1883
    var clientID: String?
    var idPrefix: String?
    var cleanSession = true
    var keepAlive: UInt16 = 60
    var username: String?
    var password: String?
    var protocolVersion = ProtocolVersion.v3_1_1
    var qos = QoS.atMostOnce
    var willTopic: TopicName?
    var willPayload: String?
    var willQoS = QoS.atMostOnce
    var willRetain = false
    var debug = false
    var quiet = false

    /// Consumes `flag` (and its value) if it is a shared one; false if it is not.
    mutating func parse(_ flag: String, _ cursor: inout ArgumentCursor) throws(CommandLineError) -> Bool {
        switch flag {
        case "-h", "--host": host = try cursor.value(for: "-h", naming: "host")
        case "-p", "--port":
            let value = try cursor.integer(for: "-p", naming: "port")
            guard let port = UInt16(exactly: value) else { throw .usage("Error: Invalid port given: \(value)\n") }
            self.port = port
        case "-i", "--id":
            guard idPrefix == nil else { throw .usage("Error: -i and -I argument cannot be used together.\n\n") }
            clientID = try cursor.value(for: "-i", naming: "id")
        case "-I", "--id-prefix":
            guard clientID == nil else { throw .usage("Error: -i and -I argument cannot be used together.\n\n") }
            idPrefix = try cursor.value(for: "-I", naming: "id prefix")
        case "-c", "--disable-clean-session": cleanSession = false
        case "-k", "--keepalive":
            let value = try cursor.integer(for: "-k", naming: "keepalive")
            guard value >= 5 && value <= 65535 else {
                throw .usage("Error: Invalid keepalive given, it must be between 5 and 65535 inclusive.\n\n")
            }
            keepAlive = UInt16(value)
        case "-u", "--username": username = try cursor.value(for: "-u", naming: "username")
        case "-P", "--pw": password = try cursor.value(for: "-P", naming: "password")
        case "-V", "--protocol-version":
            switch try cursor.value(for: "--protocol-version", naming: "version") {
            case "mqttv31", "31": protocolVersion = .v3_1
            case "mqttv311", "311": protocolVersion = .v3_1_1
            case "mqttv5", "5": throw .usage("Error: MQTT v5 is not supported; use -V 311 or -V 31.\n\n")
            default: throw .usage("Error: Invalid protocol version argument given.\n\n")
            }
        case "-q", "--qos":
            let value = try cursor.integer(for: "-q", naming: "QoS")
            guard let qos = QoS(rawValue: UInt8(clamping: max(0, value))), value >= 0 else {
                throw .usage("Error: Invalid QoS given: \(value)\n")
            }
            self.qos = qos
        case "-d", "--debug": debug = true
        case "--quiet": quiet = true
        case "--will-topic":
            let topic = try cursor.value(for: "--will-topic", naming: "will topic")
            do { willTopic = try TopicName(topic) } catch {
                throw .usage("Error: Invalid will topic '\(topic)', does it contain '+' or '#'?\n")
            }
        case "--will-payload": willPayload = try cursor.value(for: "--will-payload", naming: "will payload")
        case "--will-qos":
            let value = try cursor.integer(for: "--will-qos", naming: "will QoS")
            guard let qos = QoS(rawValue: UInt8(clamping: max(0, value))), value >= 0 else {
                throw .usage("Error: Invalid will QoS \(value).\n\n")
            }
            willQoS = qos
        case "--will-retain": willRetain = true
        default: return false
        }
        return true
    }

    /// The checks Mosquitto makes once every flag is read.
    func validate() throws(CommandLineError) {
        if willPayload != nil && willTopic == nil {
            throw .usage("Error: Will payload given, but no will topic given.\n")
        }
        if willRetain && willTopic == nil { throw .usage("Error: Will retain given, but no will topic given.\n") }
        if !cleanSession && (idPrefix != nil || clientID == nil) {
            throw .usage("Error: You must provide a client id if you are using the -c option.\n")
        }
    }

    /// The client id to connect with: `-i`, `-I` plus the process id, or empty so the broker assigns
    /// one (MQTT 3.1 needs an id: one is made up).
    var effectiveClientID: String {
        if let clientID { return clientID }
        if let idPrefix { return idPrefix + String(ProcessInfo.processInfo.processIdentifier) }
        guard protocolVersion == .v3_1 else { return "" }
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return "starling-" + String((0..<12).map { _ in alphabet.randomElement()! })
    }

    /// The client's options, with `-d` packet tracing printed to `terminal`.
    func clientOptions(tracingTo terminal: Terminal) throws(CommandLineError) -> ClientOptions {
        var options = try clientOptions()
        if debug {
            let log = DebugLog(clientID: options.clientID)
            options.trace = { trace in for line in log.lines(for: trace) { terminal.print(line) } }
        }
        return options
    }

    /// The client's options; fails like Mosquitto for a password without a user name.
    func clientOptions() throws(CommandLineError) -> ClientOptions {
        if password != nil && username == nil && protocolVersion == .v3_1_1 {
            throw .invalid("Error: Problem setting username and/or password.\n")
        }
        var options = ClientOptions(
            host: host, port: port, clientID: effectiveClientID, cleanSession: cleanSession, keepAlive: keepAlive)
        options.protocolVersion = protocolVersion
        options.username = username
        options.password = password.map { ByteBuffer(string: $0) }
        if let willTopic {
            options.will = Will(
                topic: willTopic, payload: ByteBuffer(string: willPayload ?? ""), qos: willQoS, retain: willRetain)
        }
        return options
    }
}

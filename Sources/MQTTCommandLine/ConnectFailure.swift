import MQTTClient
import MQTTCodec

/// What Mosquitto's clients print and return when a connection fails or is refused.
enum ConnectFailure {
    /// Prints the error (unless `--quiet`) and returns the exit status: a refused CONNACK exits with
    /// its return code, anything else with 1.
    static func report(_ error: ClientError, tool: Tool, terminal: Terminal) -> Int32 {
        switch error {
        case .connectionRefused(let code):
            terminal.error("Connection error: \(code)\n")
            if tool == .pub { terminal.error("Error: The connection was refused.\n") }
            return Int32(code.rawValue)
        case .hostNotFound:
            terminal.error("Unable to connect (Lookup error.).\n")
        case .network(let systemError):
            terminal.error("Error: \(systemError.reason)\n")
        case .connectTimedOut, .closedByBroker, .keepAliveTimedOut, .malformedPacket, .unexpectedPacket,
            .subAckMismatch, .subscriptionRefused, .notConnected, .alreadyConnected, .disconnected,
            .packetIdentifiersExhausted, .invalidTopic, .storeFailed, .storeCorrupt:
            terminal.error("Error: \(error)\n")
        }
        return 1
    }
}

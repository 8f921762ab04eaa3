import MQTTCodec

/// A breach of the protocol by the client that is not a malformed packet.
public enum ProtocolViolation: Error, Sendable, Hashable {
    /// The first packet was not CONNECT [MQTT-3.1.0-1].
    case firstPacketNotConnect(PacketType)
    /// A second CONNECT on the same connection [MQTT-3.1.0-2].
    case secondConnect
    /// A packet only a server sends (CONNACK, SUBACK, UNSUBACK, PINGRESP) [MQTT-4.8.0-1].
    case serverOnlyPacket(PacketType)
    /// A retained PUBLISH while `retain_available` is false.
    case retainNotAvailable
    /// PUBACK for a QoS 2 message or PUBREC/PUBCOMP for a QoS 1 one (section 4.3; Mosquitto closes too).
    case acknowledgementOfWrongQoS(PacketType)

    public var normativeStatement: String {
        switch self {
        case .firstPacketNotConnect: "MQTT-3.1.0-1"
        case .secondConnect: "MQTT-3.1.0-2"
        case .serverOnlyPacket: "MQTT-4.8.0-1"
        case .retainNotAvailable: "retain_available"
        case .acknowledgementOfWrongQoS: "MQTT-4.3"
        }
    }
}

/// Every reason the broker closes a connection.
public enum CloseReason: Sendable, Hashable {
    /// The client sent DISCONNECT: the will is discarded [MQTT-3.14.4-3].
    case clientDisconnected
    /// The peer closed the TCP connection without DISCONNECT.
    case peerClosed
    /// A read or write failed.
    case ioError(String)
    /// Bytes that are not an MQTT 3.1.1 packet [MQTT-4.8.0-1].
    case malformedPacket(DecodeError)
    case protocolViolation(ProtocolViolation)
    /// Nothing received for 1.5 times the keep alive [MQTT-3.1.2-24].
    case keepAliveTimeout
    /// No CONNECT arrived in time.
    case connectTimeout
    /// Another connection took over the client id [MQTT-3.1.4-2].
    case takenOver
    /// CONNACK refused the connection [MQTT-3.2.2-5].
    case refused(ConnectReturnCode)
    /// The broker is stopping.
    case serverShutdown

    /// Whether the will message is published [MQTT-3.1.2-8]: on every loss of the connection but a
    /// DISCONNECT from the client.
    public var publishesWill: Bool {
        switch self {
        case .clientDisconnected, .refused: false
        default: true
        }
    }
}

extension CloseReason: CustomStringConvertible {
    /// Short wording for logs, in Mosquitto's spirit.
    public var description: String {
        switch self {
        case .clientDisconnected: "disconnected"
        case .peerClosed: "closed its connection"
        case .ioError(let detail): "I/O error: \(detail)"
        case .malformedPacket(let error): "malformed packet: \(error)"
        case .protocolViolation(let violation): "protocol error [\(violation.normativeStatement)]"
        case .keepAliveTimeout: "exceeded timeout"
        case .connectTimeout: "did not send CONNECT in time"
        case .takenOver: "session taken over"
        case .refused(let code): "refused: \(code)"
        case .serverShutdown: "server shutting down"
        }
    }
}

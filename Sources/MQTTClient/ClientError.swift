import MQTTCodec
import Reactor

/// Why a client operation failed or a client's session ended. The one error type of `MQTTClient`:
/// every case says who is at fault and, where the spec has one, which rule applies.
public enum ClientError: Error, Sendable, Hashable {
    /// The broker answered CONNACK with a refusal [MQTT-3.2.2-5]; Mosquitto's clients exit with its code.
    case connectionRefused(ConnectReturnCode)
    /// No CONNACK arrived within the connect timeout (section 3.1.4 lets either side give up).
    case connectTimedOut
    /// The host name could not be resolved.
    case hostNotFound(String)
    /// A socket call failed: connect refused, reset by peer, and so on.
    case network(SystemError)
    /// The broker closed the connection.
    case closedByBroker
    /// No PINGRESP or other packet arrived within 1.5 times the keep alive [MQTT-3.1.2-24], mirrored
    /// on the client side.
    case keepAliveTimedOut
    /// The broker sent bytes that are not MQTT 3.1.1 [MQTT-4.8.0-1].
    case malformedPacket(DecodeError)
    /// The broker sent a packet a server must not send, or one out of order (PUBLISH before CONNACK,
    /// a second CONNACK).
    case unexpectedPacket(PacketType)
    /// SUBACK must hold one return code per requested filter [MQTT-3.8.4-5].
    case subAckMismatch(requested: Int, answered: Int)
    /// The broker refused every filter of a SUBSCRIBE (return code 0x80, [MQTT-3.9.3-2]).
    case subscriptionRefused([TopicFilter])
    /// The operation needs a connection (QoS 0 publish, unsubscribe) and there is none.
    case notConnected
    /// `connect()` was called while connected or connecting.
    case alreadyConnected
    /// `disconnect()` was called while the operation was pending.
    case disconnected
    /// 65,535 packet identifiers are in use [MQTT-2.3.1-2]: too many unacknowledged operations.
    case packetIdentifiersExhausted
    /// A topic name or filter given to the API is invalid (section 4.7).
    case invalidTopic(TopicError)
    /// The outbound message store could not be read or written.
    case storeFailed(SystemError)
    /// An entry of the outbound message store is not a message this client wrote.
    case storeCorrupt(entry: String)
}

extension ClientError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .connectionRefused(let code): code.description
        case .connectTimedOut: "Connection timed out waiting for CONNACK."
        case .hostNotFound(let host): "Unable to connect (Lookup error: \(host))."
        case .network(let error): error.description
        case .closedByBroker: "The connection was lost."
        case .keepAliveTimedOut: "The broker did not answer PINGREQ in time."
        case .malformedPacket(let error): "Malformed packet from the broker: \(error)."
        case .unexpectedPacket(let type): "Unexpected \(type) from the broker."
        case .subAckMismatch(let requested, let answered):
            "SUBACK answered \(answered) filters, \(requested) were requested [MQTT-3.8.4-5]."
        case .subscriptionRefused(let filters):
            "The broker refused the subscription to \(filters.map(\.string).joined(separator: ", "))."
        case .notConnected: "The client is not connected."
        case .alreadyConnected: "The client is already connected."
        case .disconnected: "The client disconnected."
        case .packetIdentifiersExhausted: "All 65535 packet identifiers are in use."
        case .invalidTopic(let error): "Invalid \(error)."
        case .storeFailed(let error): "The outbound message store failed: \(error)."
        case .storeCorrupt(let entry): "The outbound message store entry \(entry) is corrupt."
        }
    }
}

import MQTTCodec
import Reactor

/// Everything needed to reach a broker and open a session.
public struct ClientOptions: Sendable {
    public var host: String
    public var port: UInt16
    /// Empty lets the broker assign one (clean sessions only [MQTT-3.1.3-7]).
    public var clientID: String
    /// Whether the broker discards the session when the connection ends [MQTT-3.1.2-6].
    public var cleanSession: Bool
    /// Seconds between control packets; 0 turns keep alive off (section 3.1.2.10).
    public var keepAlive: UInt16
    public var will: Will?
    public var username: String?
    public var password: ByteBuffer?
    public var protocolVersion: ProtocolVersion
    /// How long a TCP connect plus CONNECT/CONNACK may take, per attempt.
    public var connectTimeout: Duration
    /// Reconnection after a lost connection; nil turns it off. On by default.
    public var reconnect: ReconnectPolicy?
    /// Unacknowledged outbound QoS 1/2 messages on the wire at once; more wait in order.
    public var maximumInFlight: Int
    /// Where unacknowledged outbound QoS 1/2 messages survive a restart of the process; one store
    /// per client id.
    public var store: (any OutboundStore)?
    /// Called on the client's loop thread for every packet sent or received (debug output).
    public var trace: (@Sendable (PacketTrace) -> Void)?
    /// Messages a subscription buffers before the client stops reading from the socket.
    public var streamHighWaterMark: Int
    /// When inbound QoS 1/2 messages are acknowledged: on receipt (the default), or once the
    /// streams' consumers have handled them.
    public var acknowledgement: InboundAcknowledgement

    public init(
        host: String = "localhost", port: UInt16 = 1883, clientID: String, cleanSession: Bool = true,
        keepAlive: UInt16 = 60
    ) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.cleanSession = cleanSession
        self.keepAlive = keepAlive
        will = nil
        username = nil
        password = nil
        protocolVersion = .v3_1_1
        connectTimeout = .seconds(10)
        reconnect = ReconnectPolicy()
        maximumInFlight = 20
        store = nil
        trace = nil
        streamHighWaterMark = 1024
        acknowledgement = .onReceipt
    }

    /// The CONNECT packet these options describe.
    var connectPacket: Connect {
        Connect(
            protocolVersion: protocolVersion, clientID: clientID, cleanSession: cleanSession, keepAlive: keepAlive,
            will: will, username: username, password: password)
    }
}

/// One packet crossing the wire, for debug output.
public enum PacketTrace: Sendable {
    case sent(Packet)
    case received(Packet)
    /// The connection was lost; `reconnecting` says whether the client tries again.
    case connectionLost(ClientError, reconnecting: Bool)
    /// A message no subscription stream matched (acknowledged, then dropped): for example one queued
    /// by a persistent session before its stream was registered.
    case unmatched(ReceivedMessage)
}

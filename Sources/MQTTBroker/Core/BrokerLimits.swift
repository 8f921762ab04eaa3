/// The limits of the broker, with Mosquitto's names and defaults.
public struct BrokerLimits: Sendable, Hashable {
    /// `max_inflight_messages`: unacknowledged outgoing QoS 1/2 messages per client; 0 means no limit.
    public var maximumInFlightMessages = 20
    /// `max_queued_messages`: QoS 1/2 messages queued per client beyond the in-flight window; 0 means no limit.
    public var maximumQueuedMessages = 1000
    /// `max_queued_bytes`: payload bytes queued per client beyond the in-flight window; 0 means no limit.
    public var maximumQueuedBytes = 0
    /// `max_packet_size`: largest whole packet accepted from a client; larger ones close the connection.
    public var maximumPacketSize: Int?
    /// `upgrade_outgoing_qos`: deliver at the granted QoS even when the message's is lower.
    public var upgradeOutgoingQoS = false
    /// `persistent_client_expiration`: seconds after which a disconnected persistent session is removed.
    public var persistentSessionExpiration: Int?
    /// `message_size_limit`: largest accepted PUBLISH payload in bytes; 0 means no limit.
    public var messageSizeLimit = 0
    /// `max_keepalive`: largest keep alive a client may ask for, in seconds.
    public var maximumKeepAlive = 65535
    /// `retain_available`: whether retained messages are supported.
    public var retainAvailable = true
    /// `allow_anonymous`: whether clients without a user name may connect.
    public var allowAnonymous = true
    /// `allow_zero_length_clientid`: whether clean-session clients may leave the id to the broker.
    public var allowZeroLengthClientID = true
    /// `queue_qos0_messages`: queue QoS 0 messages for offline persistent sessions.
    public var queueQoS0Messages = false
    /// `auto_id_prefix`: the start of broker-assigned client ids.
    public var autoIDPrefix = "auto-"
    /// `connection_messages`: log connects and disconnects.
    public var logsConnectionMessages = true
    /// Seconds a new connection may take to send CONNECT before it is closed.
    public var connectTimeout = 10
    /// Output bytes a connection may have pending before QoS 0 messages to it are dropped.
    public var maximumPendingOutputBytes = 4 * 1024 * 1024

    public init() {}
}

extension BrokerLimits {
    /// The largest remaining length whose whole packet fits in `maximumPacketSize`.
    public var maximumRemainingLength: Int {
        guard let packetSize = maximumPacketSize else { return 268_435_455 }
        var best = 0
        for lengthBytes in 1...4 {
            let remaining = packetSize - 1 - lengthBytes
            let fits = remaining >= 0 && remaining < 1 << (7 * lengthBytes)
            if fits { best = max(best, remaining) }
        }
        return min(best, 268_435_455)
    }
}

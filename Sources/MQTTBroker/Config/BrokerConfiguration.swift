/// Everything the broker is configured with, under Mosquitto 2.0's names and defaults (the
/// mosquitto.conf key is named on each property). `init()` is the configuration Mosquitto runs
/// without a configuration file: local only mode, anonymous access. See docs/configuration.md.
public struct BrokerConfiguration: Sendable, Hashable {
    /// Where to accept connections. Never empty: in local only mode these are the loopback
    /// listeners on 127.0.0.1 and ::1.
    public var listeners: [ListenerConfiguration]
    /// No `listener`, `port` or `bind_address` was given: Mosquitto 2.0's "local only mode", in
    /// which the broker listens on loopback only and anonymous clients are always allowed.
    public var isLocalOnly: Bool

    /// `allow_anonymous`: whether clients that send no user name may connect. Defaults to false
    /// once a listener is configured, and is always true in local only mode.
    public var allowAnonymous: Bool
    /// `allow_zero_length_clientid`: whether the broker assigns ids to clients that send none.
    public var allowZeroLengthClientID: Bool
    /// `auto_id_prefix`: prefix of the ids the broker assigns.
    public var autoIDPrefix: String
    /// `password_file`: the user names and passwords clients may authenticate with.
    public var passwordFile: String?
    /// `acl_file`: the topic access rules.
    public var aclFile: String?

    /// `max_inflight_messages`: outgoing QoS 1/2 messages in flight per client; 0 means no limit.
    public var maxInflightMessages: Int
    /// `max_queued_messages`: QoS 1/2 messages queued per client beyond those in flight; 0 means no limit.
    public var maxQueuedMessages: Int
    /// `max_queued_bytes`: bytes of payload queued per client beyond those in flight; 0 means no limit.
    public var maxQueuedBytes: Int
    /// `message_size_limit`: largest PUBLISH payload accepted, in bytes; 0 means no limit (the
    /// protocol's own maximum, 268435455).
    public var messageSizeLimit: Int
    /// `max_packet_size`: largest whole packet accepted from a client, in bytes; nil means no limit.
    public var maxPacketSize: Int?
    /// `max_keepalive`: largest keep alive, in seconds, a client may ask for (10...65535).
    public var maxKeepalive: Int
    /// `retain_available`: whether retained messages are supported.
    public var retainAvailable: Bool
    /// `queue_qos0_messages`: queue QoS 0 messages for disconnected persistent clients.
    public var queueQoS0Messages: Bool
    /// `upgrade_outgoing_qos`: deliver at the subscription's QoS even when the message's is lower.
    public var upgradeOutgoingQoS: Bool
    /// `set_tcp_nodelay`: disable Nagle's algorithm on client sockets.
    public var setTCPNoDelay: Bool
    /// `persistent_client_expiration`, in seconds: persistent sessions of clients that stay away
    /// longer are removed; nil means never.
    public var persistentClientExpiration: Int?
    /// `sys_interval`, in seconds, between `$SYS` updates; 0 disables the `$SYS` hierarchy.
    public var sysInterval: Int

    /// `persistence`, `persistence_location`, `persistence_file`, `autosave_interval`.
    public var persistence: PersistenceConfiguration
    /// `pid_file`: where to write the process id; nil writes none.
    public var pidFile: String?
    /// `log_dest`, `log_type`, `log_timestamp`, `log_timestamp_format`, `connection_messages`.
    public var logging: LogConfiguration

    /// Mosquitto 2.0's defaults with no configuration file.
    public init() {
        listeners = ListenerConfiguration.localOnly(port: ListenerConfiguration.defaultPort)
        isLocalOnly = true
        allowAnonymous = true
        allowZeroLengthClientID = true
        autoIDPrefix = "auto-"
        passwordFile = nil
        aclFile = nil
        maxInflightMessages = 20
        maxQueuedMessages = 1000
        maxQueuedBytes = 0
        messageSizeLimit = 0
        maxPacketSize = nil
        maxKeepalive = 65535
        retainAvailable = true
        queueQoS0Messages = false
        upgradeOutgoingQoS = false
        setTCPNoDelay = false
        persistentClientExpiration = nil
        sysInterval = 10
        persistence = PersistenceConfiguration()
        pidFile = nil
        logging = LogConfiguration()
    }
}

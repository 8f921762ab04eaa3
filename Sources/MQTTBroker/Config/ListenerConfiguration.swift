/// One address and port the broker accepts connections on.
public struct ListenerConfiguration: Sendable, Hashable {
    /// The port Mosquitto listens on when none is configured.
    public static let defaultPort: UInt16 = 1883

    /// Which IP versions a listener binds (`socket_domain`).
    public enum SocketDomain: Sendable, Hashable {
        case ipv4
        case ipv6
    }

    /// TCP port, 1...65535.
    public var port: UInt16
    /// Host name or IP address to bind; nil binds all interfaces.
    public var address: String?
    /// `socket_domain`: restricts the listener to one IP version; nil binds both.
    public var socketDomain: SocketDomain?
    /// `max_connections`: clients this listener accepts at once; nil means no limit.
    public var maxConnections: Int?

    public init(port: UInt16, address: String? = nil, socketDomain: SocketDomain? = nil, maxConnections: Int? = nil) {
        self.port = port
        self.address = address
        self.socketDomain = socketDomain
        self.maxConnections = maxConnections
    }

    /// The loopback listeners of local only mode: 127.0.0.1 and ::1 on `port`, as Mosquitto opens them.
    public static func localOnly(port: UInt16) -> [ListenerConfiguration] {
        [
            ListenerConfiguration(port: port, address: "127.0.0.1", socketDomain: .ipv4),
            ListenerConfiguration(port: port, address: "::1", socketDomain: .ipv6),
        ]
    }
}

import MQTTBroker
import Reactor

/// A broker running in this process on an ephemeral loopback port, stopped by `stop()`.
public final class TestBroker: Sendable {
    public let server: BrokerServer
    public let port: UInt16

    /// Starts a broker with `threads` loops; `configure` may adjust limits and options first.
    public init(threads: Int = 2, configure: (inout BrokerServerOptions) -> Void = { _ in }) throws {
        var options = BrokerServerOptions(listeners: [ListenAddress(host: "127.0.0.1", port: 0)], threads: threads)
        options.sysInterval = 0
        configure(&options)
        server = try BrokerServer(options: options)
        port = server.boundAddresses[0].port
        try server.start()
    }

    /// Stops every loop and waits for them.
    public func stop() {
        server.stop()
        server.waitUntilStopped()
    }

    /// Connects a raw client.
    public func client() throws -> WireClient {
        try WireClient(port: port)
    }
}

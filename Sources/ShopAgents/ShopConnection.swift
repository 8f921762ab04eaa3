import Foundation
import MQTTClient
import MQTTCodec
import OrderPipeline

extension DeliveryQoS {
    /// The client library's QoS of the same level.
    public var qos: QoS {
        switch self {
        case .atMostOnce: .atMostOnce
        case .atLeastOnce: .atLeastOnce
        case .exactlyOnce: .exactlyOnce
        }
    }
}

extension ShopOptions {
    /// The client options of this role: the broker and credentials of the flags, the client id of
    /// `clientID(hostName:processID:)`, and a persistent session for an agent so that the broker
    /// queues its input while it is away. Reconnection stays on (the library's default).
    public func clientOptions(clientID: String? = nil) -> ClientOptions {
        let process = ProcessInfo.processInfo
        let id = clientID ?? self.clientID(hostName: process.hostName, processID: process.processIdentifier)
        var options = ClientOptions(host: host, port: port, clientID: id, cleanSession: !role.isAgent)
        options.username = username
        options.password = password.map { ByteBuffer(string: $0) }
        return options
    }
}

extension Client {
    /// Connects, trying again with the client's backoff until the broker answers, or until
    /// `stopped()` says to give up (a signal came): agents start before their broker (compose has
    /// no `depends_on`).
    /// - Returns: false if it gave up.
    func connectRetrying(output: ShopOutput, stopped: () -> Bool) async -> Bool {
        let policy = options.reconnect ?? ReconnectPolicy()
        var attempt = 0
        while true {
            do {
                try await connect()
                return true
            } catch {
                if stopped() || Task.isCancelled { return false }
                output.error("could not connect to \(options.host):\(options.port): \(error); trying again")
                let delay = policy.delay(attempt: attempt, unit: Double.random(in: 0..<1))
                if await !Self.wait(delay, unless: stopped) { return false }
                attempt += 1
            }
        }
    }

    /// Sleeps for `delay` in short steps, so that a signal during a long backoff stops the agent
    /// at once rather than after up to `maximumDelay`. Returns false if `stopped()` cut it short.
    private static func wait(_ delay: Duration, unless stopped: () -> Bool) async -> Bool {
        let step = Duration.milliseconds(20)
        let deadline = ContinuousClock.now.advanced(by: delay)
        while ContinuousClock.now < deadline {
            if stopped() || Task.isCancelled { return false }
            try? await Task.sleep(for: min(step, deadline - ContinuousClock.now))
        }
        return !stopped()
    }
}

// `shop demo`: a Starling broker on a free loopback port, the four agents and a customer, in one
// process. The customer starts once every agent's subscription is granted: before that the broker
// would have nowhere to route (or queue) its orders.

import Foundation
import MQTTBroker
import MQTTClient
import OrderPipeline

/// The whole shop in one process.
struct ShopDemo {
    /// Orders the demo's customer places without `--count`.
    static let defaultCount = 5

    let options: ShopOptions
    let output: ShopOutput
    /// SIGINT and SIGTERM; the first one stops the customer, and so the demo.
    var signals: @Sendable () -> AsyncStream<Int32> = ProcessSignals.first
    /// How long the agents may take to subscribe before the demo gives up.
    var subscribeTimeout: Duration = .seconds(10)

    func run() async throws -> Int32 {
        let server = try BrokerServer(
            options: BrokerServerOptions(listeners: [ListenAddress(host: "127.0.0.1", port: 0)], threads: 1))
        try server.start()
        defer {
            server.stop()
            server.waitUntilStopped()
        }
        let port = server.boundAddresses[0].port
        output.report("[DEMO] broker on 127.0.0.1:\(port)")
        let agents = try makeAgents(port: port)
        let tasks = agents.map { agent in Task { _ = try? await agent.run() } }
        try await waitUntilSubscribed(agents)
        let customer = try CustomerRunner(
            plan: CustomerPlan(options: options, defaultCount: Self.defaultCount),
            clientOptions: clientOptions(role: .customer, port: port), qos: options.qos, output: output)
        let signals = signals
        let watcher = Task {
            for await _ in signals() { await customer.stop() }
        }
        let summary = try await customer.run()
        watcher.cancel()
        for agent in agents { await agent.stop() }
        for task in tasks { await task.value }
        return summary.exitStatus
    }

    private func makeAgents(port: UInt16) throws -> [any ShopAgent] {
        let qos = options.qos
        let work = options.workTime
        return [
            try AgentRunner(
                rule: OrderRule(), clientOptions: clientOptions(role: .order, port: port), qos: qos, output: output),
            try AgentRunner(
                rule: PackagingRule(), clientOptions: clientOptions(role: .packaging, port: port), qos: qos,
                workTime: work, output: output),
            try AgentRunner(
                rule: ShippingRule(), clientOptions: clientOptions(role: .shipping, port: port), qos: qos,
                workTime: work, output: output),
            try AgentRunner(
                rule: NotificationRule(), clientOptions: clientOptions(role: .notification, port: port), qos: qos,
                output: output),
        ]
    }

    private func clientOptions(role: ShopRole, port: UInt16) -> ClientOptions {
        var roleOptions = ShopOptions(role: role)
        roleOptions.host = "127.0.0.1"
        roleOptions.port = port
        let id = "shop-demo-\(role.rawValue)-\(ProcessInfo.processInfo.processIdentifier)"
        return roleOptions.clientOptions(clientID: id)
    }

    private func waitUntilSubscribed(_ agents: [any ShopAgent]) async throws {
        let deadline = ContinuousClock.now.advanced(by: subscribeTimeout)
        while !agents.allSatisfy(\.isSubscribed) {
            guard ContinuousClock.now < deadline else { throw ShopDemoError.agentsNotSubscribed }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// Why `shop demo` gave up.
enum ShopDemoError: Error, CustomStringConvertible {
    case agentsNotSubscribed

    var description: String { "the agents were not subscribed in time" }
}

/// An agent runner, whatever its rule.
public protocol ShopAgent: Sendable {
    var isSubscribed: Bool { get }
    var handledCount: Int { get }
    func run() async throws(ClientError)
    func stop() async
}

extension AgentRunner: ShopAgent {}

// The shop over a live broker on loopback: the four agents as in-process runners and a customer,
// with every tenth order of two kinds invalid. Waits are bounded by the customer's timeout and by
// explicit deadlines.

import Foundation
import MQTTClient
import MQTTCodec
import MQTTTestSupport
import OrderPipeline
import ShopAgents
import Synchronization
import Testing

@Suite(.serialized)
struct ShopEndToEndTests {
    @Test func everyValidOrderIsDeliveredOnceAndEveryInvalidOneRejectedWithItsReason() async throws {
        try await withShop(packagingReplicas: 1) { shop in
            let summary = try await shop.placeOrders(1_000)
            #expect(summary.delivered == 800)
            #expect(summary.rejected == 200)
            #expect(summary.timedOut == 0)
        }
    }

    @Test func threePackagingReplicasShareTheWork() async throws {
        try await withShop(packagingReplicas: 3) { shop in
            let summary = try await shop.placeOrders(1_000)
            #expect(summary.delivered == 800)
            let shares = shop.packaging.map(\.handledCount)
            #expect(shares.reduce(0, +) == 800)
            #expect(shares.allSatisfy { $0 > 0 }, "shares \(shares)")
        }
    }
}

/// A broker, the agents, and a listener counting every notification per order.
final class ShopUnderTest: Sendable {
    let broker: TestBroker
    let agents: [any ShopAgent]
    let packaging: [any ShopAgent]
    let listener: Client
    let notifications = Mutex<[String: [CustomerNotification]]>([:])

    init(packagingReplicas: Int) throws {
        broker = try TestBroker()
        let port = broker.port
        func options(_ id: String) -> ClientOptions {
            ClientOptions(host: "127.0.0.1", port: port, clientID: id, cleanSession: false)
        }
        packaging = try (0..<packagingReplicas).map { index in
            try AgentRunner(
                rule: PackagingRule(), clientOptions: options("packaging-\(index)"), qos: .atLeastOnce,
                output: .silent)
        }
        agents =
            [try AgentRunner(rule: OrderRule(), clientOptions: options("order"), qos: .atLeastOnce, output: .silent)]
            + packaging
            + [
                try AgentRunner(
                    rule: ShippingRule(), clientOptions: options("shipping"), qos: .atLeastOnce, output: .silent),
                try AgentRunner(
                    rule: NotificationRule(), clientOptions: options("notification"), qos: .atLeastOnce,
                    output: .silent),
            ]
        listener = try Client(ClientOptions(host: "127.0.0.1", port: port, clientID: "listener"))
    }

    /// What order `index` of a test is: every tenth an unknown item, every tenth a zero quantity.
    static func order(_ index: Int, customer: CustomerID, at time: Date) -> Order {
        let item = index % 10 == 3 ? "Teapot" : "Drawing Book"
        let quantity = index % 10 == 7 ? 0 : 1 + index % 3
        return Order(
            orderID: try! OrderID("order-\(index)"), customerID: customer, item: item, quantity: quantity,
            placedAt: time)
    }

    /// Places `count` orders, waits for every answer, and checks each order got exactly one
    /// notification with the outcome its content calls for.
    func placeOrders(_ count: Int, rate: Double = 2_000) async throws -> LedgerSummary {
        let customerID = try CustomerID("c-1")
        let plan = CustomerPlan(
            // Generous: a passing run never waits for it, and parallel synchronous tests can hold
            // the cooperative threads of a 2-core machine for seconds.
            customerID: customerID, count: count, rate: rate, timeout: .seconds(30)
        ) { index, time in Self.order(index, customer: customerID, at: time) }
        let customer = try CustomerRunner(
            plan: plan, clientOptions: ClientOptions(host: "127.0.0.1", port: broker.port, clientID: "customer"),
            qos: .atLeastOnce, output: .silent)
        let summary = try await customer.run()
        // Time for a second notification of any order to show up.
        try await Task.sleep(for: .milliseconds(200))
        let received = notifications.withLock { $0 }
        for index in 0..<count {
            let id = "order-\(index)"
            let answers = received[id] ?? []
            #expect(answers.count == 1, "order \(id): \(answers.count) notifications")
            guard let answer = answers.first else { continue }
            switch index % 10 {
            case 3: #expect(answer.outcome == .rejected(reason: "unknown item \"Teapot\""), "\(id)")
            case 7: #expect(answer.outcome == .rejected(reason: "quantity must be positive, got 0"), "\(id)")
            default:
                if case .delivered = answer.outcome {} else { Issue.record("order \(id): \(answer.outcome)") }
            }
        }
        return summary
    }

    func start() async throws -> [Task<Void, Never>] {
        let stream = try await listener.connectAndSubscribe("shop/customers/+/notifications")
        let listening = Task {
            do {
                for try await message in stream {
                    guard
                        let notification = try? ShopJSON.decode(
                            CustomerNotification.self, from: message.payload.readableBytesArray)
                    else { continue }
                    self.notifications.withLock { $0[notification.orderID.rawValue, default: []].append(notification) }
                }
            } catch {}
        }
        let running = agents.map { agent in Task { _ = try? await agent.run() } }
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while !agents.allSatisfy(\.isSubscribed) {
            guard ContinuousClock.now < deadline else { throw ShopTestError.agentsNotSubscribed }
            try await Task.sleep(for: .milliseconds(10))
        }
        return running + [listening]
    }

    func stop(_ tasks: [Task<Void, Never>]) async {
        for agent in agents { await agent.stop() }
        await listener.disconnect()
        for task in tasks { await task.value }
        broker.stop()
    }
}

enum ShopTestError: Error {
    case agentsNotSubscribed
    case packagingNeverReachedTheRestartPoint
}

extension Client {
    fileprivate func connectAndSubscribe(_ filter: String) async throws -> MessageStream {
        try await connect()
        return try await subscribe([filter], qos: .atLeastOnce)
    }
}

/// Runs `body` against a started shop and stops it afterwards, whatever `body` did.
func withShop(packagingReplicas: Int, _ body: (ShopUnderTest) async throws -> Void) async throws {
    let shop = try ShopUnderTest(packagingReplicas: packagingReplicas)
    let tasks = try await shop.start()
    do {
        try await body(shop)
    } catch {
        await shop.stop(tasks)
        throw error
    }
    await shop.stop(tasks)
}

@Suite(.serialized)
struct ShopRestartTests {
    /// The packaging agent leaves mid-run and comes back under the same client id: the broker kept
    /// its session and queued its share of the orders meanwhile.
    @Test func anAgentRestartedWithTheSameClientIDLosesNoOrder() async throws {
        try await withShop(packagingReplicas: 1) { shop in
            let replacement = Task {
                let deadline = ContinuousClock.now.advanced(by: .seconds(60))
                while shop.packaging[0].handledCount < 200 {
                    guard ContinuousClock.now < deadline else { throw ShopTestError.packagingNeverReachedTheRestartPoint }
                    try await Task.sleep(for: .milliseconds(1))
                }
                await shop.packaging[0].stop()
                try await Task.sleep(for: .milliseconds(100))
                let again = try AgentRunner(
                    rule: PackagingRule(),
                    clientOptions: ClientOptions(
                        host: "127.0.0.1", port: shop.broker.port, clientID: "packaging-0", cleanSession: false),
                    qos: .atLeastOnce, output: .silent)
                let running = Task { _ = try? await again.run() }
                return (again, running)
            }
            let summary = try await shop.placeOrders(1_000, rate: 1_000)
            let (again, running) = try await replacement.value
            await again.stop()
            await running.value
            #expect(again.handledCount > 0)
            #expect(summary.rejected == 200)
            #expect(summary.delivered == 800)
            #expect(summary.timedOut == 0)
        }
    }
}

// `shop customer`: places orders at a steady rate, listens on its notification topic, and settles
// each order in a `CustomerLedger` as delivered, rejected or timed out. The notification
// subscription is made before the first order is placed, so no answer can come too early.

import Foundation
import MQTTClient
import MQTTCodec
import OrderPipeline
import Synchronization

/// What the customer places and how long it waits.
public struct CustomerPlan: Sendable {
    public var customerID: CustomerID
    public var count: Int
    /// Orders per second.
    public var rate: Double
    public var timeout: Duration
    public var startDelay: Duration
    /// The order placed `index`-th (from 0) at `time`.
    public var order: @Sendable (_ index: Int, _ time: Date) -> Order

    public init(
        customerID: CustomerID, count: Int, rate: Double, timeout: Duration, startDelay: Duration = .zero,
        order: @escaping @Sendable (_ index: Int, _ time: Date) -> Order
    ) {
        self.customerID = customerID
        self.count = count
        self.rate = rate
        self.timeout = timeout
        self.startDelay = startDelay
        self.order = order
    }

    /// The plan of `shop customer` (or `shop demo`) options, with `count` when `--count` is absent.
    public init(options: ShopOptions, defaultCount: Int = 1) {
        var generator = SystemRandomNumberGenerator()
        let customerID = options.customerID(using: &generator)
        let factory = options.orderFactory(for: customerID)
        let orderID = options.orderID
        self.init(
            customerID: customerID, count: options.count ?? defaultCount, rate: options.rate,
            timeout: options.timeout, startDelay: options.startDelay
        ) { _, time in
            var generator = SystemRandomNumberGenerator()
            return factory.order(orderID, at: time, using: &generator)
        }
    }
}

/// Runs one customer to the end of its plan.
public final class CustomerRunner: Sendable {
    public let client: Client
    private let plan: CustomerPlan
    private let qos: QoS
    private let output: ShopOutput
    private let notifications: MessageStream
    private let ledger: Mutex<CustomerLedger<ContinuousClock.Instant>>
    private let stopping = Atomic<Bool>(false)

    public init(plan: CustomerPlan, clientOptions: ClientOptions, qos: DeliveryQoS, output: ShopOutput = .standard)
        throws(ClientError)
    {
        client = try Client(clientOptions)
        self.plan = plan
        self.qos = qos.qos
        self.output = output
        ledger = Mutex(CustomerLedger(timeout: plan.timeout))
        // Customer ids are one valid topic level, so the filter is always valid.
        let filter = try! TopicFilter(Topics.notifications(for: plan.customerID))
        notifications = client.subscription([Subscribe.Request(filter: filter, qos: qos.qos)])
    }

    /// Places every order, waits for every answer or deadline, prints the summary and disconnects.
    public func run() async throws(ClientError) -> LedgerSummary {
        guard await client.connectRetrying(output: output, stopped: { stopping.load(ordering: .relaxed) }) else {
            return ledger.withLock { $0.summary }
        }
        if plan.startDelay > .zero { try? await Task.sleep(for: plan.startDelay) }
        let placing = Task { await self.placeOrders() }
        let expiring = Task { await self.expireUntilDone() }
        do {
            for try await message in notifications {
                received(message)
                if isDone { break }
            }
        } catch {
            placing.cancel()
            expiring.cancel()
            throw error
        }
        placing.cancel()
        expiring.cancel()
        await client.disconnect()
        let summary = ledger.withLock { $0.summary }
        output.report(summary.line)
        output.report(summary.resultLine)
        return summary
    }

    /// Ends `run()` early (SIGINT): the summary then counts the unsettled orders as pending.
    public func stop() async {
        stopping.store(true, ordering: .relaxed)
        await client.disconnect()
    }

    /// The orders settled so far, in the order they settled.
    public var settled: [SettledOrder] { ledger.withLock { $0.settled } }

    private var isDone: Bool {
        ledger.withLock { $0.placedCount == plan.count && $0.pendingCount == 0 }
    }

    private func placeOrders() async {
        let clock = ContinuousClock()
        let start = clock.now
        let interval = Duration.seconds(1 / plan.rate)
        for index in 0..<plan.count {
            try? await clock.sleep(until: start.advanced(by: interval * index))
            if Task.isCancelled { return }
            let order = plan.order(index, Date())
            guard ledger.withLock({ $0.placed(order.orderID, at: clock.now) }) else {
                output.error("\(ShopRole.customer.logTag) order id \(order.orderID) used twice; not placed")
                continue
            }
            let message = OrderEvent.placed(order).outgoing
            do {
                try await client.publish(message.topic, payload: ByteBuffer(bytes: message.payload), qos: qos)
            } catch {
                output.error("\(ShopRole.customer.logTag) could not place order \(order.orderID): \(error)")
            }
        }
    }

    private func received(_ message: ReceivedMessage) {
        let notification: CustomerNotification
        do {
            notification = try ShopJSON.decode(CustomerNotification.self, from: message.payload.readableBytesArray)
        } catch {
            output.error("\(ShopRole.customer.logTag) unreadable notification: \(error)")
            return
        }
        let now = ContinuousClock.now
        if let settled = ledger.withLock({ $0.received(notification, at: now) }) {
            output.report(settled.line)
        }
    }

    /// Settles the orders whose deadline passed; once every order is settled, disconnects, which
    /// ends the notification stream (and so `run()`) even if no further message comes.
    private func expireUntilDone() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
            let expired = ledger.withLock { $0.expire(now: ContinuousClock.now) }
            for order in expired { output.report(order.line) }
            if !expired.isEmpty && isDone {
                await client.disconnect()
                return
            }
        }
    }
}

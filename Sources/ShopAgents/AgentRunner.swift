// The MQTT glue under an agent's rule. Each message received on the role's shared subscription
// is worked on (the simulated work time), handed to the rule, and the rule's outputs are acted on
// in order; a QoS 1/2 publish is awaited before the next message, so an input is done only once
// its outputs are with the broker.
//
// The client acknowledges an input only then (`InboundAcknowledgement.afterHandling`): when the
// process dies, whatever it had not finished stays with the broker, which sends it again when the
// agent's persistent session comes back. An input finished but not yet acknowledged comes again
// too; the rules' (order id, stage) memory turns that into a duplicate answered once downstream.

import Foundation
import MQTTClient
import MQTTCodec
import OrderPipeline
import Synchronization

/// Runs one agent: a persistent session, the role's `$share` subscription, and the rule.
public final class AgentRunner<Rule: AgentRule>: Sendable {
    public let client: Client
    private let initialRule: Rule
    private let qos: QoS
    private let workTime: Duration
    private let output: ShopOutput
    private let messages: MessageStream
    private let handled = Atomic<Int>(0)
    private let state = Mutex(RunState())

    private struct RunState {
        var handling = false
        var stopping = false
    }

    /// Registers the subscription before any connection, so the first SUBSCRIBE follows CONNACK
    /// and messages the broker queued for this session are not missed.
    public init(
        rule: Rule, clientOptions: ClientOptions, qos: DeliveryQoS, workTime: Duration = .zero,
        output: ShopOutput = .standard
    ) throws(ClientError) {
        guard let filter = Topics.sharedSubscription(for: Rule.role) else {
            preconditionFailure("\(Rule.role) is not an agent")
        }
        var clientOptions = clientOptions
        clientOptions.acknowledgement = .afterHandling
        client = try Client(clientOptions)
        initialRule = rule
        self.qos = qos.qos
        self.workTime = workTime
        self.output = output
        // The filter is built from the role's fixed topic scheme, always valid.
        let request = Subscribe.Request(filter: try! TopicFilter(filter), qos: qos.qos)
        messages = client.subscription([request])
    }

    /// Whether the broker has answered the subscription: from then on it routes the role's input here.
    public var isSubscribed: Bool { messages.returnCodes != nil }

    /// Messages handed to the rule so far.
    public var handledCount: Int { handled.load(ordering: .relaxed) }

    /// Connects (retrying until the broker is up) and handles messages until `stop()`.
    public func run() async throws(ClientError) {
        guard await client.connectRetrying(output: output, stopped: { state.withLock { $0.stopping } }) else { return }
        var rule = initialRule
        for try await message in messages {
            let stopping = state.withLock { state in
                state.handling = !state.stopping
                return state.stopping
            }
            if stopping { break }
            if workTime > .zero { try? await Task.sleep(for: workTime) }
            let outputs = rule.handle(
                topic: message.topic.string, payload: message.payload.readableBytesArray, now: Date())
            handled.add(1, ordering: .relaxed)
            for outgoing in outputs { await act(on: outgoing) }
            state.withLock { $0.handling = false }
        }
    }

    /// Lets the message being handled finish (its outputs published, within 10 seconds), then
    /// disconnects; `run()` then returns.
    public func stop() async {
        state.withLock { $0.stopping = true }
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while state.withLock({ $0.handling }) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        await client.disconnect()
    }

    private func act(on outgoing: Outgoing) async {
        switch outgoing {
        case .publish(let message):
            await publish(message)
        case .deadLetter(let letter):
            output.error(letter.logLine)
            await publish(letter.outgoing)
        case .report(let line):
            output.report(line)
        }
    }

    private func publish(_ message: OrderPipeline.OutgoingMessage) async {
        do {
            try await client.publish(
                message.topic, payload: ByteBuffer(bytes: message.payload), qos: qos, retain: message.retain)
        } catch {
            output.error("\(Rule.role.logTag) could not publish on \(message.topic): \(error)")
        }
    }
}

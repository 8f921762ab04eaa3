// The async API: a `Client` is a handle to one session running on a `ClientEventLoop`. Every call
// posts a command to the loop and suspends until the session's answer; nothing here touches sockets.

import MQTTCodec
import Reactor

/// An MQTT 3.1.1 client: connect, publish, subscribe, unsubscribe, disconnect. Safe to use from any
/// task; reconnects on its own after a lost connection unless `ClientOptions.reconnect` is nil.
public final class Client: Sendable {
    public let options: ClientOptions
    let loop: ClientEventLoop
    let handle: UInt64

    /// A client for `options` on `loop` (by default the loop shared by the process). Messages left in
    /// `options.store` by a previous run are resent after the first CONNACK.
    public init(_ options: ClientOptions, loop: ClientEventLoop? = nil) throws(ClientError) {
        self.options = options
        if let loop {
            self.loop = loop
        } else {
            self.loop = try ClientEventLoop.shared()
        }
        handle = self.loop.makeHandle()
        let restored = try options.store?.load() ?? []
        self.loop.post(
            .open(handle: handle, session: ClientSession(options: options, restored: restored), options: options))
    }

    deinit {
        loop.post(.close(handle: handle))
    }

    /// Connects (TCP, CONNECT, CONNACK) within `options.connectTimeout`; returns the broker's
    /// session-present flag [MQTT-3.2.2-2]. The host name is resolved once, here, and each of its
    /// addresses is tried in turn; reconnects reuse them.
    @discardableResult
    public func connect() async throws(ClientError) -> Bool {
        let addresses: [SocketAddress]
        do { addresses = try SocketAddress.resolveAll(host: options.host, port: options.port) } catch {
            throw .hostNotFound(options.host)
        }
        let completion = try await call { .connect(handle: handle, addresses: addresses, waiter: $0) }
        guard case .connected(let sessionPresent) = completion else {
            preconditionFailure("connect answered \(completion)")
        }
        return sessionPresent
    }

    /// Publishes and returns when the QoS handshake completes: QoS 0 once written to the connection,
    /// QoS 1 at PUBACK, QoS 2 at PUBCOMP. QoS 1/2 messages published while reconnecting wait for the
    /// connection.
    public func publish(
        to topic: TopicName, payload: ByteBuffer, qos: QoS = .atMostOnce, retain: Bool = false
    ) async throws(ClientError) {
        try await publish([OutgoingMessage(topic: topic, payload: payload, qos: qos, retain: retain)])
    }

    /// Publishes `messages` in order, handed to the loop at once (one wake-up rather than one per
    /// message), and returns when every handshake is complete; throws the first failure, after
    /// every message is done.
    public func publish(_ messages: [OutgoingMessage]) async throws(ClientError) {
        _ = try await call { .publish(handle: handle, messages: messages, waiter: $0) }
    }

    /// Hands `messages` to the client now, after everything handed over before, and returns at once;
    /// the receipt tells when every handshake is done. Lets one task keep the in-flight window full
    /// (`starling-pub -l`) without giving up the order.
    public func enqueue(_ messages: [OutgoingMessage]) -> PublishReceipt {
        let receipt = PublishReceipt()
        loop.post(.publish(handle: handle, messages: messages, waiter: .receipt(receipt)))
        return receipt
    }

    /// `publish(to:payload:qos:retain:)` with a topic validated here.
    public func publish(
        _ topic: String, payload: ByteBuffer, qos: QoS = .atMostOnce, retain: Bool = false
    ) async throws(ClientError) {
        let name: TopicName
        do { name = try TopicName(topic) } catch { throw .invalidTopic(error) }
        try await publish(to: name, payload: payload, qos: qos, retain: retain)
    }

    /// `publish(to:payload:qos:retain:)` with a UTF-8 text payload.
    public func publish(_ topic: String, _ text: String, qos: QoS = .atMostOnce, retain: Bool = false)
        async throws(ClientError)
    {
        try await publish(topic, payload: ByteBuffer(string: text), qos: qos, retain: retain)
    }

    /// Subscribes and returns the stream of matching messages once the broker granted at least one
    /// filter (`returnCodes` holds its answer). Throws `subscriptionRefused` if it granted none.
    public func subscribe(_ requests: [Subscribe.Request]) async throws(ClientError) -> MessageStream {
        let stream = makeStream(requests)
        _ = try await call { .subscribe(handle: handle, stream: stream.registration, waiter: $0) }
        return stream.stream
    }

    /// Subscribes to `filters`, all at `qos`.
    public func subscribe(_ filters: [String], qos: QoS = .atMostOnce) async throws(ClientError) -> MessageStream {
        try await subscribe(try Self.requests(filters, qos: qos))
    }

    /// Registers a subscription without waiting for its SUBACK. Made before `connect()`, its SUBSCRIBE
    /// is the first packet after CONNACK and it receives every message of a resumed session, queued
    /// ones included.
    public func subscription(_ requests: [Subscribe.Request]) -> MessageStream {
        let stream = makeStream(requests)
        loop.post(.subscribe(handle: handle, stream: stream.registration, waiter: nil))
        return stream.stream
    }

    /// Unsubscribes from `filters` and returns at UNSUBACK. Streams on those filters stay open.
    public func unsubscribe(_ filters: [String]) async throws(ClientError) {
        let parsed = try Self.requests(filters, qos: .atMostOnce).map(\.filter)
        _ = try await call { .unsubscribe(handle: handle, filters: parsed, waiter: $0) }
    }

    /// Sends DISCONNECT (the broker then discards the will [MQTT-3.14.4-3]) and closes. Streams end
    /// normally; pending operations fail with `disconnected`.
    public func disconnect() async {
        _ = try? await call { .disconnect(handle: handle, waiter: $0) }
    }

    // MARK: Internals

    private func call(_ command: (Waiter) -> ClientCommand) async throws(ClientError) -> Completion {
        let result = await withCheckedContinuation { continuation in loop.post(command(.continuation(continuation))) }
        return try result.get()
    }

    private func makeStream(_ requests: [Subscribe.Request]) -> (
        stream: MessageStream, registration: StreamRegistration
    ) {
        precondition(!requests.isEmpty, "subscribe to at least one filter [MQTT-3.8.3-3]")
        let id = loop.makeHandle()
        let loop = self.loop
        let handle = self.handle
        let queue = MessageQueue(
            highWaterMark: options.streamHighWaterMark,
            onDrained: { loop.post(.resumeReading(handle: handle)) },
            onHandled: { ticket in loop.post(.messageHandled(handle: handle, stream: id, ticket: ticket)) },
            onCancelled: { loop.post(.streamEnded(handle: handle, stream: id)) })
        let token = StreamToken(id: id) { loop.post(.streamEnded(handle: handle, stream: id)) }
        let registration = StreamRegistration(id: id, requests: requests, queue: queue, token: token)
        return (MessageStream(queue: queue, token: token, filters: requests.map(\.filter)), registration)
    }

    private static func requests(_ filters: [String], qos: QoS) throws(ClientError) -> [Subscribe.Request] {
        var requests: [Subscribe.Request] = []
        for filter in filters {
            do { requests.append(Subscribe.Request(filter: try TopicFilter(filter), qos: qos)) } catch {
                throw .invalidTopic(error)
            }
        }
        return requests
    }
}

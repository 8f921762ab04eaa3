// The client side of an MQTT 3.1.1 session as a sans-I/O state machine: events in (`connect`,
// `transportConnected`, `received`, `transportClosed`, `tick`, API calls), actions out (`send`,
// `deliver`, `complete`, `openConnection`, ...). The time is always passed in; tests drive it with a
// manual clock and never sleep.
//
//   idle ──connect──▶ connecting ──CONNACK 0──▶ connected
//    ▲                   │  ▲                       │ connection lost, reconnect on
//    │   first attempt   │  │ backoff timer         ▼
//    └──── failed ───────┘  └──────────── waitingToReconnect
//
// What survives a reconnect: unacknowledged QoS 1/2 messages in both directions, subscriptions (sent
// again when the broker reports no session), SUBSCRIBE/UNSUBSCRIBE still waiting for their answer.

import MQTTCodec
import Reactor

/// The client's protocol state for one client id, across any number of connections.
public struct ClientSession: Sendable {
    enum Phase: Sendable, Equatable {
        case idle
        case connecting(deadline: Instant, transportUp: Bool)
        case connected
        case waitingToReconnect(at: Instant)
    }

    let connectPacket: Connect
    let connectTimeout: Duration
    let reconnect: ReconnectPolicy?
    let maximumInFlight: Int
    var jitter: JitterSource

    var phase = Phase.idle
    /// The caller of `connect`, until CONNACK or failure.
    var connectRequest: RequestID?
    /// Reconnecting restores a session that was up at least once since `connect`.
    var hasConnected = false
    var reconnectAttempt = 0

    var nextPacketID = PacketID.first
    var nextSequence: UInt64 = 0
    /// Outbound QoS 1/2 messages not yet acknowledged, by packet identifier.
    var flows: [PacketID: OutboundFlow] = [:]
    /// Identifiers of flows waiting for room in the in-flight window, oldest first.
    var waiting = RingBuffer<PacketID>()
    var inFlightCount = 0
    /// Inbound QoS 2 messages delivered and answered with PUBREC, until PUBREL [MQTT-4.3.3-2].
    var awaitingRelease: Set<PacketID> = []
    /// With `.afterHandling`: inbound QoS 1/2 messages whose answer waits for their consumers.
    var heldAcknowledgements: PendingAcknowledgements?

    /// Subscriptions the broker granted, with the QoS asked for: restored when a session is lost.
    var established: [TopicFilter: QoS] = [:]
    var subscribes: [PacketID: PendingSubscribe] = [:]
    var unsubscribes: [PacketID: PendingUnsubscribe] = [:]

    var lastSent = Instant(nanoseconds: 0)
    var lastReceived = Instant(nanoseconds: 0)
    var pingOutstanding = false
    var readingPaused = false

    /// A session for `options`, resuming `restored` messages from an outbound store. `randomSeed`
    /// drives the reconnect jitter.
    public init(options: ClientOptions, restored: [StoredPublish] = [], randomSeed: UInt64 = .random(in: 0...(.max))) {
        connectPacket = options.connectPacket
        connectTimeout = options.connectTimeout
        reconnect = options.reconnect
        maximumInFlight = max(1, options.maximumInFlight)
        jitter = JitterSource(seed: randomSeed)
        if options.acknowledgement == .afterHandling { heldAcknowledgements = PendingAcknowledgements() }
        for stored in restored.sorted(by: { $0.sequence < $1.sequence }) {
            var flow = OutboundFlow(publish: stored.publish, stage: .queued, request: nil, sequence: stored.sequence)
            flow.stage = stored.released ? .awaitingPubComp : flow.sentStage
            flows[stored.packetID] = flow
            inFlightCount += 1
            nextSequence = max(nextSequence, stored.sequence + 1)
            nextPacketID = stored.packetID.next
        }
    }

    /// Whether a connection is up and CONNACK accepted it.
    public var isConnected: Bool { phase == .connected }

    // MARK: Connection lifecycle

    /// The application asks for a connection.
    public mutating func connect(request: RequestID, now: Instant, actions: inout [ClientAction]) {
        guard phase == .idle else {
            actions.append(.fail(request, .alreadyConnected))
            return
        }
        connectRequest = request
        startAttempt(now: now, actions: &actions)
    }

    /// The TCP connection is established: send CONNECT, the first packet [MQTT-3.1.0-1].
    public mutating func transportConnected(now: Instant, actions: inout [ClientAction]) {
        guard case .connecting(let deadline, false) = phase else { return }
        phase = .connecting(deadline: deadline, transportUp: true)
        lastReceived = now
        pingOutstanding = false
        send(.connect(connectPacket), now: now, actions: &actions)
    }

    /// The connection failed or closed (end of file, socket error).
    public mutating func transportClosed(_ error: ClientError, now: Instant, actions: inout [ClientAction]) {
        switch phase {
        case .idle, .waitingToReconnect: return
        case .connecting, .connected: connectionLost(error, now: now, actions: &actions)
        }
    }

    /// The application asks to end the session: DISCONNECT [MQTT-3.14.4-1], then close. Pending
    /// operations fail with `disconnected`; stored messages stay in the store.
    public mutating func disconnect(request: RequestID, now: Instant, actions: inout [ClientAction]) {
        switch phase {
        case .connected:
            send(.disconnect, now: now, actions: &actions)
            actions.append(.closeConnection)
        case .connecting:
            actions.append(.closeConnection)
        case .idle, .waitingToReconnect:
            break
        }
        end(nil, now: now, actions: &actions)
        actions.append(.complete(request, .disconnected))
    }

    /// Something outside the protocol failed (the outbound store): close and end with `error`.
    public mutating func abort(_ error: ClientError, now: Instant, actions: inout [ClientAction]) {
        if phase != .idle {
            if case .waitingToReconnect = phase {} else { actions.append(.closeConnection) }
        }
        end(error, now: now, actions: &actions)
    }

    /// Timers: connect timeout, reconnect backoff, keep alive. Call at or after `nextDeadline`.
    public mutating func tick(now: Instant, actions: inout [ClientAction]) {
        switch phase {
        case .idle:
            break
        case .connecting(let deadline, _):
            if now >= deadline {
                actions.append(.closeConnection)
                connectionLost(.connectTimedOut, now: now, actions: &actions)
            }
        case .waitingToReconnect(let at):
            if now >= at { startAttempt(now: now, actions: &actions) }
        case .connected:
            checkKeepAlive(now: now, actions: &actions)
        }
    }

    /// When `tick` must run next, if ever.
    public var nextDeadline: Instant? {
        switch phase {
        case .idle: nil
        case .connecting(let deadline, _): deadline
        case .waitingToReconnect(let at): at
        case .connected: keepAliveDeadline
        }
    }

    // MARK: Internals

    mutating func startAttempt(now: Instant, actions: inout [ClientAction]) {
        phase = .connecting(deadline: now + connectTimeout, transportUp: false)
        actions.append(.openConnection)
    }

    /// Records the time of every packet sent: keep alive counts from the last one [MQTT-3.1.2-23].
    mutating func send(_ packet: Packet, now: Instant, actions: inout [ClientAction]) {
        lastSent = now
        actions.append(.send(packet))
    }

    /// Closes after a protocol violation by the broker.
    mutating func violation(_ error: ClientError, now: Instant, actions: inout [ClientAction]) {
        actions.append(.closeConnection)
        connectionLost(error, now: now, actions: &actions)
    }

    /// The connection or an attempt ended for `error`: retry with backoff, or end the session.
    mutating func connectionLost(_ error: ClientError, now: Instant, actions: inout [ClientAction]) {
        let wasConnected = phase == .connected
        if connectRequest != nil {
            end(error, now: now, actions: &actions)  // the first attempt reports, it does not retry
            return
        }
        guard let reconnect, hasConnected, Self.isWorthRetrying(error) else {
            end(error, now: now, actions: &actions)
            return
        }
        if wasConnected { reconnectAttempt = 0 }
        let at = now + reconnect.delay(attempt: reconnectAttempt, unit: jitter.nextUnit())
        reconnectAttempt += 1
        phase = .waitingToReconnect(at: at)
        actions.append(.connectionLost(error, reconnectAt: at))
    }

    /// A refusal other than "server unavailable" will not go away by retrying (section 3.2.2.3).
    static func isWorthRetrying(_ error: ClientError) -> Bool {
        if case .connectionRefused(let code) = error { return code == .serverUnavailable }
        return true
    }

    /// Ends the session: every pending operation, `connect` included, fails with `error` (or
    /// `disconnected`); unacknowledged messages are dropped from memory but not from the store.
    mutating func end(_ error: ClientError?, now: Instant, actions: inout [ClientAction]) {
        let failure = error ?? .disconnected
        if let request = connectRequest {
            connectRequest = nil
            actions.append(.fail(request, failure))
        }
        for flow in flows.values.sorted(by: { $0.sequence < $1.sequence }) {
            if let request = flow.request { actions.append(.fail(request, failure)) }
        }
        for pending in subscribes.values.sorted(by: { $0.order < $1.order }) {
            if let request = pending.request { actions.append(.fail(request, failure)) }
        }
        for pending in unsubscribes.values.sorted(by: { $0.order < $1.order }) {
            if let request = pending.request { actions.append(.fail(request, failure)) }
        }
        flows = [:]
        waiting.removeAll()
        inFlightCount = 0
        awaitingRelease = []
        heldAcknowledgements?.removeAll()
        established = [:]
        subscribes = [:]
        unsubscribes = [:]
        phase = .idle
        hasConnected = false
        reconnectAttempt = 0
        actions.append(.ended(error))
    }

    /// The next free packet identifier [MQTT-2.3.1-2], or nil when all are in use.
    mutating func allocatePacketID() -> PacketID? {
        for _ in 0..<Int(UInt16.max) {
            let id = nextPacketID
            nextPacketID = id.next
            if flows[id] == nil && subscribes[id] == nil && unsubscribes[id] == nil { return id }
        }
        return nil
    }
}

// The load generator: one Reactor loop on the calling thread driving every connection of a run.
//
//   connecting ──all CONNACK/SUBACK──▶ warmingUp ──warmup──▶ measuring ──duration──▶ draining ──▶ closing
//        │                                                                                ▲
//        └──(conn scenario)──▶ holding ──duration──────────────────────────────────────────┘
//
// Per pass: every ready socket is read once and its packets are parsed in place; acknowledgements
// go into the connection's output buffer; at the end of the pass publishers top up their windows
// (closed loop) or send what the schedule says is due (open loop, `--rate`), and every touched
// connection is written once.

import MQTTCodec
import Reactor

/// Counters over the whole run.
struct RunCounts {
    var published: UInt64 = 0
    var delivered: UInt64 = 0
    var duplicates: UInt64 = 0
    var outOfOrder: UInt64 = 0
    /// Deliveries whose payload was not a stamp of this run.
    var foreign: UInt64 = 0
    /// PUBACK/PUBREC/PUBCOMP for an identifier in the wrong stage.
    var unexpectedAcks: UInt64 = 0
}

/// The state of the world at one edge of the measured window.
struct Snapshot {
    let time: Instant
    let published: UInt64
    let delivered: UInt64
    let generatorCPU: Double
    let broker: BrokerSample?
}

struct LoadGenerator: EventLoopHandler {
    enum Phase: Equatable {
        case connecting
        case warmingUp
        case measuring
        case draining
        case holding
        case closing
    }

    static let readChunk = 128 * 1024
    static let maximumPacket = 1 << 24
    /// Messages one publisher adds per pass at most, so one pass never buffers megabytes.
    static let publishBatch = 256
    static let rateTimerToken = UInt64.max - 1

    let plan: BenchPlan
    let address: SocketAddress
    /// Local addresses connections are made from, in turn; empty: the kernel picks.
    let sources: [SocketAddress]
    let poller: Poller
    let probe: BrokerProbe?
    var connections: [BenchConnection] = []
    var publishers: [PublisherState] = []
    let duplicates: DuplicateTracker
    /// Per (subscriber, publisher): one past the highest sequence number seen.
    var highestSeen: [UInt64]
    let histogram = LatencyHistogram()
    var counts = RunCounts()
    var phase = Phase.connecting
    var phaseDeadline: Instant
    let hardDeadline: Instant
    var nextToConnect = 0
    var settingUp = 0
    var readyCount = 0
    var dirty: [Int] = []
    var readBuffer = ByteBuffer(capacity: LoadGenerator.readChunk)
    var failure: String?
    var warnings: [String] = []
    var isStopped = false

    var windowStart: Snapshot?
    var windowEnd: Snapshot?
    let connectStarted: Instant
    var connectFinished: Instant?
    var brokerBaseline: BrokerSample?
    var brokerConnected: BrokerSample?
    var brokerHeld: BrokerSample?

    var rateTimer: IntervalTimer?
    var rateStart = Instant(nanoseconds: 0)
    /// Open loop: nanoseconds between consecutive messages over all publishers.
    var rateInterval: Double = 0

    init(
        plan: BenchPlan, address: SocketAddress, sources: [SocketAddress] = [], poller: Poller, probe: BrokerProbe?
    ) throws(TopicError) {
        self.plan = plan
        self.address = address
        self.sources = sources
        self.poller = poller
        self.probe = probe
        duplicates = DuplicateTracker(streams: plan.trackerCount)
        highestSeen = Array(repeating: 0, count: plan.publishers * plan.subscribers)
        let now = Instant.now()
        connectStarted = now
        phaseDeadline = now + plan.connectTimeout
        hardDeadline = now + plan.connectTimeout + plan.warmup + plan.duration + plan.drain + .seconds(5)
        connections.reserveCapacity(plan.connectionCount)
        for index in 0..<plan.subscribers { connections.append(BenchConnection(role: .subscriber(index))) }
        for index in 0..<plan.publishers {
            publishers.append(
                PublisherState(
                    connection: connections.count,
                    template: try PublishTemplate(
                        topic: plan.publisherTopic(index), qos: plan.qos, payloadSize: plan.payload, publisher: index),
                    packetIDs: PacketIDTable()))
            connections.append(BenchConnection(role: .publisher(index)))
        }
        brokerBaseline = probe?.sample()
    }

    // MARK: EventLoopHandler

    /// Nothing is posted to the generator from other threads.
    var hasPostedWork: Bool { false }

    mutating func ready(token: UInt64, events: ReadyEvents, now: Instant) {
        if token == Self.rateTimerToken {
            _ = rateTimer?.drain()
            return
        }
        let index = Int(token)
        guard index < connections.count, connections[index].socket != nil else { return }
        if connections[index].state == .connecting {
            finishConnecting(index)
            return
        }
        if events.isWritable { flush(index) }
        if events.isReadable, connections[index].socket != nil { read(index, now: now) }
    }

    mutating func woken(now: Instant) {}

    mutating func passEnded(now: Instant) -> Instant? {
        if failure != nil || now >= hardDeadline {
            if failure == nil { fail("the run did not finish within its time bound") }
            closeAll()
            return nil
        }
        switch phase {
        case .connecting:
            if readyCount == connections.count {
                connected(now: now)
            } else if now >= phaseDeadline {
                fail("only \(readyCount) of \(connections.count) connections were ready after the connect timeout")
            } else {
                startConnects()
            }
        case .warmingUp:
            if now >= phaseDeadline { startMeasuring(now: now) }
            publishDue()
        case .measuring:
            if now >= phaseDeadline {
                stopMeasuring(now: now)
            } else {
                publishDue()
            }
        case .draining:
            if now >= phaseDeadline || isDrained { closeAll() }
        case .holding:
            if now >= phaseDeadline {
                brokerHeld = probe?.sample()
                closeAll()
            }
        case .closing:
            break
        }
        for index in dirty { flush(index) }
        dirty.removeAll(keepingCapacity: true)
        if failure != nil && !isStopped { closeAll() }
        return isStopped ? nil : min(phaseDeadline, hardDeadline)
    }

    // MARK: Phases

    /// Everyone is connected and subscribed.
    private mutating func connected(now: Instant) {
        connectFinished = now
        brokerConnected = probe?.sample()
        if plan.scenario == .conn {
            phase = .holding
            phaseDeadline = now + plan.duration
            return
        }
        phase = .warmingUp
        phaseDeadline = now + plan.warmup
        if let rate = plan.rate { startSchedule(rate: rate, now: now) }
        if plan.warmup == .zero { startMeasuring(now: now) }
        publishDue()
    }

    private mutating func startSchedule(rate: Double, now: Instant) {
        rateStart = now
        rateInterval = 1e9 / rate
        // One tick per message down to 20 µs; faster rates send a few messages per tick.
        let tick = rateInterval >= 20_000 ? rateInterval : rateInterval * (20_000 / rateInterval).rounded(.up)
        do {
            let timer = try IntervalTimer()
            try timer.arm(firstAt: now + .nanoseconds(Int64(tick)), every: .nanoseconds(Int64(tick)))
            try poller.register(timer, token: Self.rateTimerToken, interest: .readable)
            rateTimer = timer
        } catch {
            fail("cannot start the rate timer: \(error)")
        }
    }

    private mutating func startMeasuring(now: Instant) {
        histogram.reset()
        windowStart = snapshot(now)
        phase = .measuring
        phaseDeadline = now + plan.duration
    }

    private mutating func stopMeasuring(now: Instant) {
        windowEnd = snapshot(now)
        phase = .draining
        phaseDeadline = now + plan.drain
    }

    private func snapshot(_ now: Instant) -> Snapshot {
        Snapshot(
            time: now, published: counts.published, delivered: counts.delivered,
            generatorCPU: ProcessUsage.cpuSeconds(), broker: probe?.sample())
    }

    /// Every message has been accounted for at every subscriber and every handshake completed.
    private var isDrained: Bool {
        publishers.indices.allSatisfy { publishers[$0].inFlight == 0 && outstanding($0) == 0 }
    }

    /// Records the first failure; the loop closes everything at the end of the pass.
    mutating func fail(_ message: String) {
        if failure == nil { failure = message }
    }

    mutating func warn(_ message: String) {
        if !warnings.contains(message) { warnings.append(message) }
    }
}

// One event loop of the broker: owns the connections accepted or adopted on its thread, for their
// whole life, and the shard of sessions homed here. Per pass it reads each ready socket once, decodes
// in place, lets the shard act, and at the end of the pass writes each touched connection once and
// hands work for other loops over in one batch per loop.
//
// Tokens: a connection's token is its ConnectionID (generation < 2^30 in the high half); listeners
// and the signalfd use the top two bits.

import MQTTCodec
import Reactor

let listenerTokenBase: UInt64 = 1 << 63
let signalToken: UInt64 = 1 << 62

/// The broker's handler for one Reactor loop.
struct BrokerLoop: EventLoopHandler {
    static let readChunk = 64 * 1024

    let index: Int
    var shard: BrokerShard
    let context: BrokerContext
    let poller: Poller
    let mailboxes: [Mailbox<LoopJob>]
    /// This loop's own mailbox (`mailboxes[index]`), asked once per pass.
    let mailbox: Mailbox<LoopJob>
    let listeners: [TCPListener]
    let listenerLimits: [ListenerLimit]
    let signals: SignalReader?
    let log: BrokerLog
    let decoder: PacketDecoder
    var systemTopics: SystemTopicPublisher?

    var slots: [ConnectionSlot] = []
    var freeSlots: [UInt32] = []
    var dirty: [UInt32] = []
    var actions: [BrokerAction] = []
    var outboxes: [[LoopJob]]
    var jobs: [LoopJob] = []
    var readBuffer = ByteBuffer(capacity: BrokerLoop.readChunk)
    var counters = LoopCounters()
    var nextTimeoutCheck = Instant(nanoseconds: 0)
    /// Set while accepting is paused because descriptors ran out: the listeners are unwatched on this
    /// loop until then, so a level-triggered listener cannot spin the loop.
    var acceptingPausedUntil: Instant?
    var isStopped = false
    /// Set when a stop was asked for: the loop reads and accepts nothing more, and closes once every
    /// other loop has said it is drained (or after `drainLimit`).
    var stoppingSince: Instant?
    var drainedAnnounced = false
    var drainedPeers = 0

    init(
        index: Int, context: BrokerContext, poller: Poller, mailboxes: [Mailbox<LoopJob>], listeners: [TCPListener],
        listenerLimits: [ListenerLimit], signals: SignalReader?, log: BrokerLog, systemTopics: SystemTopicPublisher?
    ) throws(SystemError) {
        self.index = index
        self.context = context
        self.shard = BrokerShard(index: index, context: context)
        self.decoder = PacketDecoder(maximumRemainingLength: context.limits.maximumRemainingLength)
        self.poller = poller
        self.mailboxes = mailboxes
        self.mailbox = mailboxes[index]
        self.listeners = listeners
        self.listenerLimits = listenerLimits
        self.signals = signals
        self.log = log
        self.systemTopics = systemTopics
        self.outboxes = Array(repeating: [], count: mailboxes.count)
        for (position, listener) in listeners.enumerated() {
            try poller.register(listener, token: listenerTokenBase | UInt64(position), interest: .exclusiveAccept)
        }
        if let signals { try poller.register(signals, token: signalToken, interest: .readable) }
    }

    // MARK: EventLoopHandler

    mutating func ready(token: UInt64, events: ReadyEvents, now: Instant) {
        if token & listenerTokenBase != 0 {
            acceptConnections(fromListener: Int(token & ~listenerTokenBase), now: now)
        } else if token == signalToken {
            handleSignals()
        } else {
            let id = ConnectionID(token: token)
            guard let slot = liveSlot(id) else { return }
            if events.isWritable { flush(slot) }
            // While stopping, input waits: only what was already accepted is delivered.
            if events.isReadable, stoppingSince == nil, liveSlot(id) != nil { read(id, slot: slot, now: now) }
        }
    }

    var hasPostedWork: Bool { mailbox.hasJobs }

    mutating func woken(now: Instant) {
        mailbox.take(into: &jobs)
        for job in jobs {
            switch job {
            case .adopt(let socket, let peer, let listener, let connect, let leftover):
                adopt(socket, peer: peer, listener: listener, connect: connect, leftover: leftover, now: now)
            case .forward(let message):
                shard.deliverForwarded(message, actions: &actions)
            case .forwardShared(let message, let delivery):
                shard.deliverShared(message, delivery, actions: &actions)
            case .stop:
                beginStopping(now: now)
            case .drained:
                drainedPeers += 1
            }
            performActions()
        }
        jobs.removeAll(keepingCapacity: true)
    }

    mutating func passEnded(now: Instant) -> Instant? {
        if now >= nextTimeoutCheck {
            resumeAcceptingIfDue(now: now)
            shard.checkTimeouts(now: now, actions: &actions)
            performActions()
            nextTimeoutCheck = now + .seconds(1)
        }
        if let next = systemTopics?.nextPublication, now >= next {
            for message in systemTopics!.publish(now: now) { shard.route(message, actions: &actions) }
            performActions()
        }
        flushDirty()
        counters.flush(into: context.statistics)
        shard.flushStatistics()
        for target in outboxes.indices where !outboxes[target].isEmpty {
            mailboxes[target].post(contentsOf: &outboxes[target])
        }
        if let since = stoppingSince {
            return finishStopping(since: since, now: now)
        }
        guard !isStopped else { return nil }
        return min(nextTimeoutCheck, systemTopics?.nextPublication ?? nextTimeoutCheck)
    }

    // MARK: Listeners

    /// Stops watching the listeners for a second after running out of descriptors.
    mutating func pauseAccepting(now: Instant) {
        guard acceptingPausedUntil == nil else { return }
        for listener in listeners { poller.unregister(listener) }
        acceptingPausedUntil = now + .seconds(1)
    }

    private mutating func resumeAcceptingIfDue(now: Instant) {
        guard let until = acceptingPausedUntil, now >= until, stoppingSince == nil else { return }
        acceptingPausedUntil = nil
        for (position, listener) in listeners.enumerated() {
            try? poller.register(listener, token: listenerTokenBase | UInt64(position), interest: .exclusiveAccept)
        }
    }

    // MARK: Slots

    func liveSlot(_ id: ConnectionID) -> Int? {
        let slot = Int(id.slot)
        guard slot < slots.count, slots[slot].socket != nil, slots[slot].generation == id.generation else { return nil }
        return slot
    }

    mutating func allocateSlot(_ socket: Socket, peer: String, listener: Int) -> ConnectionID? {
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = Int(free)
        } else {
            slot = slots.count
            slots.append(ConnectionSlot())
        }
        var generation = slots[slot].generation &+ 1
        if generation >= 1 << 30 || generation == 0 { generation = 1 }
        slots[slot].generation = generation
        slots[slot].socket = socket
        slots[slot].listener = listener
        let id = ConnectionID(slot: UInt32(slot), generation: generation)
        do {
            try poller.register(socket, token: id.token, interest: readInterest)
        } catch {
            log.log(.error, "Unable to watch connection from \(peer): \(error).")
            releaseSlot(slot)
            listenerLimits[listener].release()
            socket.close()
            return nil
        }
        return id
    }

    /// Empties a slot for reuse; the socket is closed or handed over by the caller.
    mutating func releaseSlot(_ slot: Int) {
        slots[slot].socket = nil
        slots[slot].input = ByteBuffer(capacity: 0)
        slots[slot].output = ByteBuffer(capacity: 0)
        slots[slot].writeArmed = false
        slots[slot].isDirty = false
        slots[slot].sawFirstPacket = false
        slots[slot].closeAfterFlush = false
        slots[slot].isDropping = false
        freeSlots.append(UInt32(slot))
    }

    mutating func closeSocket(_ slot: Int) {
        guard let socket = slots[slot].socket else { return }
        socket.close()
        listenerLimits[slots[slot].listener].release()
        releaseSlot(slot)
    }

    /// Flushes every connection written to since the last flush. A failed flush loses its
    /// connection, which can write to others (its will), so the list is drained until empty: a
    /// `for` over it followed by `removeAll` dropped those, and their `isDirty` kept them from ever
    /// being listed again.
    mutating func flushDirty() {
        while let slot = dirty.popLast() { flush(Int(slot)) }
    }

    mutating func markDirty(_ slot: Int) {
        guard !slots[slot].isDirty else { return }
        slots[slot].isDirty = true
        dirty.append(UInt32(slot))
    }
}

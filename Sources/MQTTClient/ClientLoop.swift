// The handler of a client loop: owns every client slot on its thread for the client's whole life. API
// calls arrive as `ClientCommand`s through the mailbox; each is turned into an event for that client's
// `ClientSession`, whose actions are performed here. At the end of each pass every touched client has
// its streams fed (one batch each), its output written once, and its timer rescheduled.
//
// Tokens: slot index in the low 32 bits, the slot's socket epoch in the high 32.

import MQTTCodec
import Reactor

struct ClientLoop: EventLoopHandler {
    static let readChunk = 64 * 1024

    let poller: Poller
    let mailbox: Mailbox<ClientCommand>
    let decoder = PacketDecoder()
    var slots: [ClientSlot?] = []
    var freeSlots: [Int] = []
    var handles: [UInt64: Int] = [:]
    var timers = TimerQueue<(index: Int, deadline: Instant)>()
    var touched: [Int] = []
    var commands: [ClientCommand] = []
    var actions: [ClientAction] = []
    var spareActions: [ClientAction] = []
    var epochs: UInt32 = 0
    var isStopped = false

    init(poller: Poller, mailbox: Mailbox<ClientCommand>) {
        self.poller = poller
        self.mailbox = mailbox
    }

    // MARK: EventLoopHandler

    mutating func ready(token: UInt64, events: ReadyEvents, now: Instant) {
        let index = Int(token & 0xFFFF_FFFF)
        guard index < slots.count, let slot = slots[index], slot.epoch == UInt32(token >> 32), slot.socket != nil else {
            return
        }
        if slot.isConnecting {
            if events.isWritable || events.isReadable { finishConnect(index, now: now) }
            return
        }
        if events.isWritable { flush(index, now: now) }
        if events.isReadable, slots[index]?.epoch == slot.epoch { read(index, now: now) }
    }

    var hasPostedWork: Bool { mailbox.hasJobs }

    mutating func woken(now: Instant) {
        mailbox.take(into: &commands)
        for command in commands { handle(command, now: now) }
        commands.removeAll(keepingCapacity: true)
    }

    mutating func passEnded(now: Instant) -> Instant? {
        while let (index, deadline) = timers.popExpired(now: now) {
            guard index < slots.count, slots[index]?.scheduledDeadline == deadline else { continue }
            slots[index]!.scheduledDeadline = nil
            drive(index, now: now) { session, actions in session.tick(now: now, actions: &actions) }
        }
        while !touched.isEmpty {
            let batch = touched
            touched.removeAll(keepingCapacity: true)
            for index in batch where slots[index] != nil {
                slots[index]!.isTouched = false
                feedStreams(index, now: now)
                flush(index, now: now)
                reschedule(index)
            }
        }
        return timers.nextDeadline
    }

    // MARK: Driving sessions

    /// Gives one event to a client's session and performs the actions it returns, including those
    /// that performing them provokes (a connect that succeeds at once, a write that fails).
    mutating func drive(
        _ index: Int, now: Instant, _ event: (inout ClientSession, inout [ClientAction]) -> Void
    ) {
        guard slots[index] != nil else { return }
        event(&slots[index]!.session, &actions)
        performPending(index, now: now)
    }

    /// Performs the actions collected so far, and those they provoke.
    mutating func performPending(_ index: Int, now: Instant) {
        touch(index)
        while !actions.isEmpty {
            swap(&actions, &spareActions)
            for action in spareActions where slots[index] != nil { perform(action, index: index, now: now) }
            spareActions.removeAll(keepingCapacity: true)
        }
    }

    /// Marks slot `index` for the end-of-pass work (streams, output, timer).
    mutating func touch(_ index: Int) {
        guard slots[index]?.isTouched == false else { return }
        slots[index]!.isTouched = true
        touched.append(index)
    }

    private mutating func reschedule(_ index: Int) {
        let deadline = slots[index]!.session.nextDeadline
        guard deadline != slots[index]!.scheduledDeadline else { return }
        slots[index]!.scheduledDeadline = deadline
        if let deadline { timers.schedule((index, deadline), at: deadline) }
    }

    /// Resumes the caller of `request` (or acknowledges the stream it subscribed).
    mutating func resolve(_ index: Int, _ request: RequestID, _ result: Result<Completion, ClientError>, now: Instant) {
        if var batch = slots[index]!.batches[request.rawValue] {
            batch.remaining -= 1
            if case .failure(let error) = result, batch.failure == nil { batch.failure = error }
            guard batch.remaining == 0 else {
                slots[index]!.batches[request.rawValue] = batch
                return
            }
            slots[index]!.batches[request.rawValue] = nil
            let outcome: Result<Completion, ClientError> = batch.failure.map { .failure($0) } ?? .success(.published)
            slots[index]!.waiters.removeValue(forKey: request.rawValue)?.resume(returning: outcome)
        } else if let streamID = slots[index]!.streamRequests.removeValue(forKey: request.rawValue) {
            streamAcknowledged(index, stream: streamID, result, now: now)
        } else if let waiter = slots[index]!.waiters.removeValue(forKey: request.rawValue) {
            waiter.resume(returning: result)
        }
    }

    /// The loop itself failed: nobody may be left waiting.
    mutating func failAll(_ error: ClientError) {
        for index in slots.indices where slots[index] != nil { release(index, error) }
    }
}

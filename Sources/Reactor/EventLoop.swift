/// What an event loop drives. All calls happen on the loop's own thread.
public protocol EventLoopHandler {
    /// A registration other than the loop's wake-up is ready.
    mutating func ready(token: UInt64, events: ReadyEvents, now: Instant)
    /// Whether other threads posted work that is waiting (e.g. `Mailbox.hasJobs`). Asked once per
    /// pass, after the wake-up is armed and before the loop blocks: posters write the wake-up only
    /// while the loop sleeps, so work posted while it was awake is found here.
    var hasPostedWork: Bool { mutating get }
    /// Another thread posted work (the wake-up fired, or `hasPostedWork` said so).
    mutating func woken(now: Instant)
    /// The end of one pass over the ready events: flush output, run due timers. Returns the next
    /// deadline the loop must wake for, if any.
    mutating func passEnded(now: Instant) -> Instant?
    /// Checked after every pass.
    var isStopped: Bool { get }
}

/// The token reserved for a loop's own wake-up registration.
public let wakeUpToken: UInt64 = .max

/// Runs one loop on the calling thread until the handler says it stopped: wait, dispatch every ready
/// event, take posted work, end the pass. The clock is read once per pass. The wake-up is watched
/// edge-triggered and never read (one syscall less per wake-up); see `WakeUp` for the protocol that
/// lets posters skip it while the loop is awake.
public func runEventLoop<Handler: EventLoopHandler>(
    _ handler: inout Handler, poller: Poller, wakeUp: WakeUp
) throws(SystemError) {
    try poller.register(wakeUp, token: wakeUpToken, interest: .edgeTriggeredReadable)
    defer { poller.unregister(wakeUp) }
    var now = Instant.now()
    var deadline = handler.passEnded(now: now)
    while !handler.isStopped {
        var timeout: Int32 = -1
        if let deadline {
            // Whole milliseconds, rounded up so the loop never wakes just before its deadline. From
            // the pass's own clock reading: the pass took microseconds, so the wait errs long by that
            // much, never short, and the clock is read once per pass, not twice.
            let wait = deadline.nanoseconds > now.nanoseconds ? deadline.nanoseconds - now.nanoseconds : 0
            timeout = Int32(clamping: (wait + 999_999) / 1_000_000)
        }
        wakeUp.armForSleep()
        var woken = handler.hasPostedWork
        if woken { timeout = 0 }
        let count = try poller.wait(timeoutMilliseconds: timeout)
        wakeUp.disarm()
        now = Instant.now()
        for index in 0..<count {
            let (token, events) = poller.event(at: index)
            if token == wakeUpToken {
                woken = true
            } else {
                handler.ready(token: token, events: events, now: now)
            }
        }
        if woken { handler.woken(now: now) }
        deadline = handler.passEnded(now: now)
    }
}

import CSystem
import Glibc
import Synchronization

/// An eventfd another thread writes to wake a loop blocked in `epoll_wait`, written only while the
/// loop is (about to be) asleep: a wake-up costs a write, a thread wake-up, an extra `epoll_wait`
/// return (tens of µs here), and a loop that is awake finds posted work before it sleeps anyway.
///
/// The protocol against lost wake-ups (a loop with a `Mailbox`; `runEventLoop` does the owner's side):
///
///     owner:  armForSleep() → look for posted work → epoll_wait (timeout 0 if any) → disarm()
///     poster: enqueue (under the mailbox lock) → signal(): write only if armed
///
/// Either the poster's enqueue is ordered before the owner's look (the owner sees the work and does
/// not block), or after it: then the owner's arming, sequenced before its look under the same lock,
/// happens before the poster's read of the flag, which sees it set and writes.
public final class WakeUp: Sendable, Pollable {
    let fd: Int32
    /// Set by the owner from just before it looks for posted work until `epoll_wait` returns.
    let isArmed = Atomic<Bool>(false)

    public init() throws(SystemError) {
        fd = try blockingSyscall("eventfd") { eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC)) }
    }

    public var descriptor: Descriptor { Descriptor(fd: fd) }

    /// Wakes the loop if it is asleep or about to sleep; safe from any thread. At most one write per
    /// sleep, however many threads signal.
    @inlinable
    public func signal() {
        guard isArmedNow, disarmIfArmed() else { return }
        write()
    }

    @usableFromInline var isArmedNow: Bool { isArmed.load(ordering: .sequentiallyConsistent) }

    @usableFromInline func disarmIfArmed() -> Bool { isArmed.exchange(false, ordering: .sequentiallyConsistent) }

    @usableFromInline func write() {
        var one: UInt64 = 1
        _ = Glibc.write(fd, &one, 8)
    }

    /// Owner: the loop is about to look for posted work and then block. From here until `disarm`,
    /// `signal` writes the eventfd.
    public func armForSleep() {
        isArmed.store(true, ordering: .sequentiallyConsistent)
    }

    /// Owner: the loop is awake again; `signal` stops writing.
    public func disarm() {
        isArmed.store(false, ordering: .sequentiallyConsistent)
    }

    /// Resets the counter, for an owner that watches the eventfd level-triggered (`runEventLoop`
    /// watches it edge-triggered and never reads it: each write is one event, and the 64-bit
    /// counter cannot fill).
    public func drain() {
        var value: UInt64 = 0
        _ = Glibc.read(fd, &value, 8)
    }
}

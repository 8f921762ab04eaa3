import CSystem
import Glibc

/// An eventfd another thread writes to wake a loop blocked in `epoll_wait`.
public struct WakeUp: Sendable, Pollable {
    let fd: Int32

    public init() throws(SystemError) {
        fd = try blockingSyscall("eventfd") { eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC)) }
    }

    public var descriptor: Descriptor { Descriptor(fd: fd) }

    /// Wakes the loop; safe from any thread.
    public func signal() {
        var one: UInt64 = 1
        _ = Glibc.write(fd, &one, 8)
    }

    /// Resets the counter; called by the loop when woken.
    public func drain() {
        var value: UInt64 = 0
        _ = Glibc.read(fd, &value, 8)
    }
}

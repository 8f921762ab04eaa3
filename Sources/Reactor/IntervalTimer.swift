import CSystem
import Glibc

/// A periodic timer on the monotonic clock that a loop watches like a socket (a timerfd). For
/// schedules finer than `epoll_wait`'s millisecond timeout, which also carries the thread's timer
/// slack: a load generator sending at a fixed rate ticks every 100 µs with it.
public struct IntervalTimer: Sendable, Pollable {
    let fd: Int32

    public init() throws(SystemError) {
        fd = try blockingSyscall("timerfd_create") {
            timerfd_create(CLOCK_MONOTONIC, Int32(TFD_NONBLOCK) | Int32(TFD_CLOEXEC))
        }
    }

    public var descriptor: Descriptor { Descriptor(fd: fd) }

    /// Fires first at `start`, then every `interval` (which must be positive).
    public func arm(firstAt start: Instant, every interval: Duration) throws(SystemError) {
        let (seconds, attoseconds) = interval.components
        let intervalNanoseconds = UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
        precondition(intervalNanoseconds > 0, "an interval timer needs a positive interval")
        var setting = itimerspec(
            it_interval: Self.timespec(intervalNanoseconds), it_value: Self.timespec(start.nanoseconds))
        _ = try blockingSyscall("timerfd_settime") { timerfd_settime(fd, Int32(TFD_TIMER_ABSTIME), &setting, nil) }
    }

    /// The number of expirations since the last call, zero if none (the timer keeps running).
    public func drain() -> UInt64 {
        var expirations: UInt64 = 0
        return Glibc.read(fd, &expirations, 8) == 8 ? expirations : 0
    }

    /// Releases the descriptor. The timer must not be used afterwards.
    public func close() {
        _ = Glibc.close(fd)
    }

    private static func timespec(_ nanoseconds: UInt64) -> Glibc.timespec {
        Glibc.timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
    }
}

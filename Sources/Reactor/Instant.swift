import CSystem
import Glibc

/// A point on the monotonic clock, in nanoseconds. Loops read the clock once per pass.
public struct Instant: Sendable, Hashable, Comparable {
    public var nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    /// The current monotonic time.
    public static func now() -> Instant {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Instant(nanoseconds: UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec))
    }

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    public static func + (lhs: Instant, rhs: Duration) -> Instant {
        let (seconds, attoseconds) = rhs.components
        let nanos = Int64(seconds) * 1_000_000_000 + attoseconds / 1_000_000_000
        return Instant(nanoseconds: UInt64(max(0, Int64(lhs.nanoseconds) + nanos)))
    }

    /// Time from `other` to `self`, zero if `other` is later.
    public func since(_ other: Instant) -> Duration {
        .nanoseconds(nanoseconds >= other.nanoseconds ? Int64(nanoseconds - other.nanoseconds) : 0)
    }
}

/// Wall-clock seconds since the Unix epoch (logs, `$SYS` uptime start).
public func wallClockSeconds() -> Int {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return spec.tv_sec
}

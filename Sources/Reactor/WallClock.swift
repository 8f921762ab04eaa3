import CSystem
import Glibc

/// A point on the real-time clock (`CLOCK_REALTIME`), for what people read: timestamps in command-line
/// output. Never use it to measure intervals; `Instant` is monotonic.
public struct WallClockTime: Sendable, Hashable {
    /// Whole seconds since the Unix epoch.
    public var seconds: Int
    /// Nanoseconds past `seconds`, 0..<1_000_000_000.
    public var nanoseconds: Int

    public init(seconds: Int, nanoseconds: Int) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// The current wall-clock time.
    public static func now() -> WallClockTime {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return WallClockTime(seconds: spec.tv_sec, nanoseconds: spec.tv_nsec)
    }

    /// This time in the local time zone, formatted by `strftime(3)` with `format` (at most 255
    /// bytes of output; an empty string if the result does not fit).
    public func formatted(_ format: String) -> String {
        var time = time_t(seconds)
        var parts = tm()
        guard localtime_r(&time, &parts) != nil else { return "" }
        var output = [CChar](repeating: 0, count: 256)
        let count = strftime(&output, output.count, format, &parts)
        return String(decoding: output.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

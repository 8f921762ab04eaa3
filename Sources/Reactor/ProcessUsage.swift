import CSystem
import Glibc

/// CPU time and descriptor limits of the calling process, for tools that measure themselves
/// (`starling-bench` reports its own CPU beside the broker's).
public enum ProcessUsage {
    /// User plus system CPU seconds this process has used so far, all threads together
    /// (`getrusage(RUSAGE_SELF)`).
    public static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// The unit of the `utime`/`stime` fields of `/proc/PID/stat` (`sysconf(_SC_CLK_TCK)`).
    public static var clockTicksPerSecond: Int {
        let ticks = sysconf(Int32(_SC_CLK_TCK))
        return ticks > 0 ? ticks : 100
    }

    /// Raises the soft limit on open descriptors to the hard limit and returns the limit now in
    /// force (a load generator holding tens of thousands of connections needs it).
    @discardableResult
    public static func raiseOpenFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    private static func seconds(_ time: timeval) -> Double {
        Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000
    }
}

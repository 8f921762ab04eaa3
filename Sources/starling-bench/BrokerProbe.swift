// Samples another process (the broker under test) from /proc, a cold path run a few times per run:
//
//   /proc/PID/stat     fields 14 and 15 (utime, stime) in clock ticks, all threads together
//   /proc/PID/status   "VmRSS:   12345 kB"

import Foundation
import Reactor

/// What /proc says about the broker at one moment.
struct BrokerSample {
    /// User plus system CPU seconds so far.
    var cpuSeconds: Double
    /// Resident set size in bytes.
    var residentBytes: Int
}

/// Reads a process's CPU time and resident memory.
struct BrokerProbe {
    let processID: Int32
    private let ticksPerSecond = Double(ProcessUsage.clockTicksPerSecond)

    init(processID: Int32) {
        self.processID = processID
    }

    /// Nil when the process is gone or /proc could not be read.
    func sample() -> BrokerSample? {
        guard let stat = Self.read("/proc/\(processID)/stat"), let status = Self.read("/proc/\(processID)/status")
        else {
            return nil
        }
        // The command name (field 2) is in parentheses and may hold spaces: split after the last ')'.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so utime (14) and stime (15) are fields[11] and fields[12].
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        var resident = 0
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if parts.count >= 2, let kilobytes = Int(parts[1]) { resident = kilobytes * 1024 }
        }
        return BrokerSample(cpuSeconds: (user + system) / ticksPerSecond, residentBytes: resident)
    }

    private static func read(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.readToEnd() else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

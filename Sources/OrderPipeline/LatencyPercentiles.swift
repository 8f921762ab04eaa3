import Foundation

/// p50, p90, p99 and maximum of a set of latencies, by the nearest-rank method: the p-th
/// percentile of n sorted samples is the sample of rank ⌈p·n/100⌉, so every reported value is a
/// measured one.
public struct LatencyPercentiles: Sendable, Hashable, CustomStringConvertible {
    public var count: Int
    public var p50: Duration
    public var p90: Duration
    public var p99: Duration
    public var max: Duration

    /// nil when `samples` is empty.
    public init?(samples: [Duration]) {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        count = sorted.count
        p50 = Self.nearestRank(50, of: sorted)
        p90 = Self.nearestRank(90, of: sorted)
        p99 = Self.nearestRank(99, of: sorted)
        max = sorted[sorted.count - 1]
    }

    /// The `percent`-th percentile of the ascending, non-empty `sorted`.
    public static func nearestRank(_ percent: Int, of sorted: [Duration]) -> Duration {
        let rank = (percent * sorted.count + 99) / 100
        return sorted[Swift.max(rank, 1) - 1]
    }

    /// `812.3 ms`: milliseconds with one decimal.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = Double(seconds) * 1_000 + Double(attoseconds) / 1e15
        return String(format: "%.1f ms", milliseconds)
    }

    public var description: String {
        "p50 \(Self.format(p50)), p90 \(Self.format(p90)), p99 \(Self.format(p99)), max \(Self.format(max))"
    }
}

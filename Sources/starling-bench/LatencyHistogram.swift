// A fixed-size log-linear histogram of nanosecond values, HDR style: values below 128 ns get a
// bucket each; above, every power of two is split into 64 equal buckets, so a bucket is at most
// 1/64 (1.6 %) wide relative to its values. 3,776 buckets cover the whole UInt64 range; recording
// is a few shifts and one increment, never an allocation.
//
//   value v < 128:  index v
//   otherwise:      shift = floor(log2 v) - 6, index = 64 * shift + (v >> shift)   (v >> shift in 64..<128)

/// Counts of latencies, with exact minimum and maximum.
final class LatencyHistogram {
    static let bucketCount = 64 * 57 + 128

    private let counts: UnsafeMutablePointer<UInt64>
    private(set) var total: UInt64 = 0
    private(set) var maximum: UInt64 = 0
    private(set) var minimum: UInt64 = .max

    init() {
        counts = .allocate(capacity: Self.bucketCount)
        counts.initialize(repeating: 0, count: Self.bucketCount)
    }

    deinit { counts.deallocate() }

    @inline(__always)
    static func bucket(of value: UInt64) -> Int {
        guard value >= 128 else { return Int(value) }
        let shift = 63 - value.leadingZeroBitCount - 6
        return 64 * shift + Int(value >> UInt64(shift))
    }

    /// The largest value that lands in bucket `index`.
    static func upperBound(ofBucket index: Int) -> UInt64 {
        guard index >= 128 else { return UInt64(index) }
        let shift = index / 64 - 1
        let mantissa = UInt64(index - 64 * shift)
        return ((mantissa + 1) << UInt64(shift)) &- 1
    }

    @inline(__always)
    func record(_ nanoseconds: UInt64) {
        counts[Self.bucket(of: nanoseconds)] &+= 1
        total &+= 1
        if nanoseconds > maximum { maximum = nanoseconds }
        if nanoseconds < minimum { minimum = nanoseconds }
    }

    func reset() {
        counts.update(repeating: 0, count: Self.bucketCount)
        total = 0
        maximum = 0
        minimum = .max
    }

    /// The value at quantile `q` (0...1): the upper bound of the bucket holding it, capped at the
    /// maximum seen. Nil when nothing was recorded.
    func value(atQuantile q: Double) -> UInt64? {
        guard total > 0 else { return nil }
        let rank = max(1, UInt64((q * Double(total)).rounded(.up)))
        var seen: UInt64 = 0
        for index in 0..<Self.bucketCount {
            seen += counts[index]
            if seen >= rank { return min(Self.upperBound(ofBucket: index), maximum) }
        }
        return maximum
    }
}

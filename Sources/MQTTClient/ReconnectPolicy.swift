import Reactor

/// Reconnection with jittered exponential backoff: attempt `n` (from 0) waits a random time between
/// half and all of `min(maximumDelay, initialDelay * 2^n)` ("equal jitter"), so many clients cut off
/// by the same broker restart do not come back in lockstep.
public struct ReconnectPolicy: Sendable, Hashable {
    public var initialDelay: Duration
    public var maximumDelay: Duration

    public init(initialDelay: Duration = .milliseconds(100), maximumDelay: Duration = .seconds(10)) {
        precondition(initialDelay > .zero && maximumDelay >= initialDelay, "delays must be positive and ordered")
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
    }

    /// The wait before attempt `attempt`, given `unit` drawn uniformly from 0..<1.
    public func delay(attempt: Int, unit: Double) -> Duration {
        var ceiling = initialDelay
        for _ in 0..<min(attempt, 40) where ceiling < maximumDelay { ceiling = ceiling * 2 }
        ceiling = min(ceiling, maximumDelay)
        return ceiling / 2 + (ceiling / 2) * unit
    }
}

/// A small seeded generator (SplitMix64), so tests can replay the jitter.
struct JitterSource: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A value uniformly drawn from 0..<1.
    mutating func nextUnit() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        mixed ^= mixed >> 31
        return Double(mixed >> 11) / Double(UInt64(1) << 53)
    }
}

// A tracking number is derived from the order id and a seed (FNV-1a over both, then the
// SplitMix64 finaliser so that close ids give unrelated numbers), not drawn at random: every
// shipping agent with the same seed gives an order the same number, so a redelivery handled by
// another instance after a crash still reports the number the first one published.

/// Makes tracking numbers such as `SLG-8W3KQ0ZP5M2T`: `SLG-` and 12 Crockford base-32 digits.
public struct TrackingNumberGenerator: Sendable, Hashable {
    public var seed: UInt64

    public init(seed: UInt64 = 0) { self.seed = seed }

    /// The tracking number of `orderID`; the same for the same id and seed.
    public func number(for orderID: OrderID) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in withUnsafeBytes(of: seed.littleEndian, Array.init) + Array(orderID.rawValue.utf8) {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        hash ^= hash >> 30
        hash &*= 0xbf58_476d_1ce4_e5b9
        hash ^= hash >> 27
        hash &*= 0x94d0_49bb_1331_11eb
        hash ^= hash >> 31
        let digits = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        var text = "SLG-"
        for index in 0..<12 {
            text.append(digits[Int((hash >> UInt64(index * 5)) & 31)])
        }
        return text
    }
}

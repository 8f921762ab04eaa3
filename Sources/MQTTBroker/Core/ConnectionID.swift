/// A connection slot on one loop plus the generation of its occupant, so an event or action for a
/// connection that has since closed (and whose slot was reused) is recognised as stale.
public struct ConnectionID: Sendable, Hashable {
    public let slot: UInt32
    public let generation: UInt32

    public init(slot: UInt32, generation: UInt32) {
        self.slot = slot
        self.generation = generation
    }

    /// The epoll token of this connection.
    public var token: UInt64 { UInt64(generation) << 32 | UInt64(slot) }

    public init(token: UInt64) {
        self.init(slot: UInt32(truncatingIfNeeded: token), generation: UInt32(truncatingIfNeeded: token >> 32))
    }
}

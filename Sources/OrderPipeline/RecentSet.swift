// The idempotency memory of a rule. It holds at most `capacity` keys; inserting into a full set
// forgets the oldest key (first in, first out: a hit does not make a key younger, since a
// duplicate is normally a redelivery that arrives soon after the original). A key forgotten and
// then seen again is handled as new, so the capacity bounds the window in which a redelivery is
// recognised: `capacity` distinct orders per rule. At the default, 100,000 order ids cost a few
// megabytes.

/// A set of the most recent `capacity` distinct elements.
public struct RecentSet<Element: Hashable & Sendable>: Sendable {
    /// The capacity rules use unless told otherwise.
    public static var defaultCapacity: Int { 100_000 }

    /// Most elements held at once.
    public let capacity: Int
    private var members: Set<Element> = []
    /// Insertion order; once full, a ring whose oldest entry is at `oldest`.
    private var arrivals: [Element] = []
    private var oldest = 0

    public init(capacity: Int = defaultCapacity) {
        precondition(capacity > 0, "a RecentSet holds at least one element")
        self.capacity = capacity
    }

    public var count: Int { members.count }

    public func contains(_ element: Element) -> Bool { members.contains(element) }

    /// Adds `element`, forgetting the oldest one if the set is full.
    /// - Returns: false if `element` was already held (nothing changes then).
    @discardableResult
    public mutating func insert(_ element: Element) -> Bool {
        guard members.insert(element).inserted else { return false }
        if arrivals.count < capacity {
            arrivals.append(element)
        } else {
            members.remove(arrivals[oldest])
            arrivals[oldest] = element
            oldest = (oldest + 1) % capacity
        }
        return true
    }
}

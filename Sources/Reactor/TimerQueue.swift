/// A min-heap of deadlines, each with a payload the owner interprets (a connection slot, "publish
/// $SYS"). Cancelling is lazy: the owner ignores a popped payload that is no longer current.
public struct TimerQueue<Payload> {
    private var heap: [(deadline: Instant, payload: Payload)] = []

    public init() {}

    public var isEmpty: Bool { heap.isEmpty }
    public var count: Int { heap.count }

    /// The earliest deadline, if any.
    public var nextDeadline: Instant? { heap.first?.deadline }

    public mutating func schedule(_ payload: Payload, at deadline: Instant) {
        heap.append((deadline, payload))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest payload whose deadline is at or before `now`.
    public mutating func popExpired(now: Instant) -> Payload? {
        guard let first = heap.first, first.deadline <= now else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < heap.count && heap[left].deadline < heap[smallest].deadline { smallest = left }
                if right < heap.count && heap[right].deadline < heap[smallest].deadline { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first.payload
    }
}

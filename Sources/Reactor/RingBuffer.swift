/// A FIFO queue backed by a growable circular array: O(1) append and pop with no shifting. Shared by
/// the broker's outbound queues and the client's publish queue; inlinable so each specialises.
public struct RingBuffer<Element> {
    @usableFromInline var storage: [Element?] = []
    @usableFromInline var head = 0
    @usableFromInline var stored = 0

    @inlinable public var count: Int { stored }

    public init() {}

    @inlinable public var isEmpty: Bool { stored == 0 }

    @inlinable public var first: Element? { count > 0 ? storage[head] : nil }

    @inlinable
    public mutating func append(_ element: Element) {
        if count == storage.count { grow() }
        storage[(head + count) % storage.count] = element
        stored += 1
    }

    @inlinable
    public mutating func popFirst() -> Element? {
        guard count > 0 else { return nil }
        let element = storage[head]
        storage[head] = nil
        head = (head + 1) % storage.count
        stored -= 1
        return element
    }

    @inlinable
    public mutating func removeAll() {
        storage = []
        head = 0
        stored = 0
    }

    @usableFromInline
    mutating func grow() {
        var grown = [Element?](repeating: nil, count: max(8, storage.count * 2))
        for offset in 0..<count { grown[offset] = storage[(head + offset) % storage.count] }
        storage = grown
        head = 0
    }
}

extension RingBuffer: Sendable where Element: Sendable {}

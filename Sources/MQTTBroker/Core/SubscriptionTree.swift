// A trie over topic levels: each node has a map of literal levels plus dedicated '+' and '#' slots,
// so matching a topic walks one path per wildcard branch instead of testing every filter.
//   filters a/b, a/+, #, a/#  and topic a/b  visit:  root.# , a.# , a.b (exact), a.+
// `match` only reports subscribers; it never sends, authorises or queues.

import MQTTCodec

/// Subscriptions keyed by topic filter, each holding subscribers of type `Subscriber`. A reference
/// type: one trie per shard, never copied.
final class SubscriptionTree<Subscriber: Hashable> {
    // The trie belongs to one loop and is never read while it is being changed, so the dynamic
    // exclusivity checks on these class properties (one `swift_beginAccess` per access, three per
    // level on the publish path) buy nothing.
    private final class Node {
        @exclusivity(unchecked) var literals = LiteralChildren<Node>()
        @exclusivity(unchecked) var singleLevel: Node?
        @exclusivity(unchecked) var multiLevel: Node?
        /// Subscribers whose filter ends at this node, with their granted QoS: a flat array, cheap to
        /// walk on every publish; inserts and removals scan it. Unlabelled, the same type as `match`'s
        /// results, so appending them is a plain copy (labels would make it an element-wise cast).
        @exclusivity(unchecked) var subscribers: [(Subscriber, QoS)] = []

        var isEmpty: Bool {
            literals.isEmpty && singleLevel == nil && multiLevel == nil && subscribers.isEmpty
        }
    }

    private let root = Node()
    private(set) var count = 0

    /// Adds or replaces `subscriber`'s subscription to `filter`. Returns true if it was new.
    @discardableResult
    func insert(_ filter: TopicFilter, subscriber: Subscriber, qos: QoS) -> Bool {
        var node = root
        for level in filter.levels {
            switch level {
            case .literal(let bytes):
                if let child = node.literals.child(for: bytes) {
                    node = child
                } else {
                    let child = Node()
                    node.literals.insert(child, for: bytes)
                    node = child
                }
            case .singleLevelWildcard:
                if node.singleLevel == nil { node.singleLevel = Node() }
                node = node.singleLevel!
            case .multiLevelWildcard:
                if node.multiLevel == nil { node.multiLevel = Node() }
                node = node.multiLevel!
            }
        }
        if let index = node.subscribers.firstIndex(where: { $0.0 == subscriber }) {
            node.subscribers[index].1 = qos
            return false
        }
        node.subscribers.append((subscriber, qos))
        count += 1
        return true
    }

    /// Removes `subscriber`'s subscription to `filter`. Returns true if it existed.
    @discardableResult
    func remove(_ filter: TopicFilter, subscriber: Subscriber) -> Bool {
        let removed = Self.remove(filter.levels[...], subscriber: subscriber, from: root)
        if removed { count -= 1 }
        return removed
    }

    private static func remove(_ levels: ArraySlice<TopicFilter.Level>, subscriber: Subscriber, from node: Node) -> Bool {
        guard let level = levels.first else {
            guard let index = node.subscribers.firstIndex(where: { $0.0 == subscriber }) else { return false }
            node.subscribers.remove(at: index)
            return true
        }
        let rest = levels.dropFirst()
        switch level {
        case .literal(let bytes):
            guard let child = node.literals.child(for: bytes), remove(rest, subscriber: subscriber, from: child) else {
                return false
            }
            if child.isEmpty { node.literals.remove(for: bytes) }
        case .singleLevelWildcard:
            guard let child = node.singleLevel, remove(rest, subscriber: subscriber, from: child) else { return false }
            if child.isEmpty { node.singleLevel = nil }
        case .multiLevelWildcard:
            guard let child = node.multiLevel, remove(rest, subscriber: subscriber, from: child) else { return false }
            if child.isEmpty { node.multiLevel = nil }
        }
        return true
    }

    /// Appends every (subscriber, QoS) whose filter matches the topic with these bytes. A subscriber
    /// with several matching filters appears once per filter; the caller keeps the highest QoS.
    func match(topicBytes bytes: UnsafeRawBufferPointer, into results: inout [(Subscriber, QoS)]) {
        // [MQTT-4.7.2-1]: a topic starting with '$' is not matched by a first-level wildcard.
        let skipWildcards = bytes.first == UInt8(ascii: "$")
        Self.match(bytes, from: 0, node: root, allowWildcards: !skipWildcards, into: &results)
    }

    private static func match(
        _ bytes: UnsafeRawBufferPointer, from start: Int, node: Node, allowWildcards: Bool,
        into results: inout [(Subscriber, QoS)]
    ) {
        // `start` is the first byte of the current level; bytes.count + 1 means all levels are used.
        if allowWildcards, let multi = node.multiLevel {
            results.append(contentsOf: multi.subscribers)
        }
        if start > bytes.count {
            results.append(contentsOf: node.subscribers)
            return
        }
        var end = start
        while end < bytes.count && bytes[end] != UInt8(ascii: "/") { end += 1 }
        let level = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        // Borrowed, not retained: nothing changes the trie during a match, and the node owns its
        // children (a retain and a release per level otherwise).
        if let child = node.literals.unretainedChild(for: level) {
            child._withUnsafeGuaranteedRef { match(bytes, from: end + 1, node: $0, allowWildcards: true, into: &results) }
        }
        if allowWildcards, let single = node.singleLevel {
            match(bytes, from: end + 1, node: single, allowWildcards: true, into: &results)
        }
    }

    /// Nodes in the trie, root included (diagnostics: shows that removal prunes).
    var nodeCount: Int { Self.countNodes(root) }

    private static func countNodes(_ node: Node) -> Int {
        var total = 1
        node.literals.forEachChild { total += countNodes($0) }
        if let single = node.singleLevel { total += countNodes(single) }
        if let multi = node.multiLevel { total += countNodes(multi) }
        return total
    }
}

/// The literal children of a trie node, each kept with a 64-bit FNV-1a hash of its level, so a lookup
/// on the publish path hashes the level in place, allocates nothing and compares bytes only on an
/// equal hash. Most nodes have a handful of children and are scanned; past `scanLimit` an
/// open-addressed index (linear probing on the same hash) finds the entry. Hashing the `UInt64` key
/// again, as a `Dictionary` would, cost ~180 instructions per level.
struct LiteralChildren<Child> {
    private struct Entry {
        let hash: UInt64
        let level: [UInt8]
        let child: Child
    }

    private static var scanLimit: Int { 8 }

    private var entries: [Entry] = []
    /// Slots holding an entry's position + 1 (0: empty); a power of two at most half full. Empty while
    /// `entries` is scanned.
    private var index: [Int32] = []

    var isEmpty: Bool { entries.isEmpty }

    func forEachChild(_ body: (Child) -> Void) {
        for entry in entries { body(entry.child) }
    }

    func child(for level: UnsafeRawBufferPointer) -> Child? {
        entries.withUnsafeBufferPointer { entries in
            Self.position(of: level, in: entries, index: index).map { entries[$0].child }
        }
    }

    /// The child for `level` without a retain: valid only while this table holds it.
    func unretainedChild(for level: UnsafeRawBufferPointer) -> Unmanaged<Child>? where Child: AnyObject {
        entries.withUnsafeBufferPointer { entries in
            Self.position(of: level, in: entries, index: index).map { Unmanaged.passUnretained(entries[$0].child) }
        }
    }

    @inline(__always)
    private static func position(of level: UnsafeRawBufferPointer, in entries: UnsafeBufferPointer<Entry>, index: [Int32]) -> Int? {
        let hash = fnv1a64(level)
        if index.isEmpty {
            for position in 0..<entries.count where entries[position].hash == hash {
                if same(entries[position].level, level) { return position }
            }
            return nil
        }
        return index.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 {
                let position = Int(slots[slot]) - 1
                if entries[position].hash == hash && same(entries[position].level, level) { return position }
                slot = (slot + 1) & mask
            }
            return nil
        }
    }

    /// Length first, then bytes: `elementsEqual` walks two generic iterators (~160 instructions for
    /// a short level).
    private static func same(_ stored: [UInt8], _ level: UnsafeRawBufferPointer) -> Bool {
        guard stored.count == level.count else { return false }
        return stored.withUnsafeBytes { storedBytes in
            for index in 0..<level.count where storedBytes[index] != level[index] { return false }
            return true
        }
    }

    func child(for level: [UInt8]) -> Child? {
        level.withUnsafeBytes { child(for: $0) }
    }

    /// Adds a child for a level that has none yet.
    mutating func insert(_ child: Child, for level: [UInt8]) {
        entries.append(Entry(hash: fnv1a64(level), level: level, child: child))
        if entries.count <= Self.scanLimit {
            return
        }
        if index.isEmpty || entries.count * 2 > index.count {
            rebuildIndex()
        } else {
            place(entries.count - 1)
        }
    }

    mutating func remove(for level: [UInt8]) {
        let hash = fnv1a64(level)
        guard let position = entries.firstIndex(where: { $0.hash == hash && $0.level == level }) else { return }
        entries.swapAt(position, entries.count - 1)
        entries.removeLast()
        rebuildIndex()
    }

    /// Cold path (inserts past the scan limit and removals): sizes the index for the entries and
    /// places every one again, or drops it when a scan will do.
    private mutating func rebuildIndex() {
        guard entries.count > Self.scanLimit else {
            index = []
            return
        }
        var capacity = 16
        while capacity < entries.count * 4 { capacity *= 2 }
        index = Array(repeating: 0, count: capacity)
        for position in entries.indices { place(position) }
    }

    private mutating func place(_ position: Int) {
        let mask = index.count - 1
        var slot = Int(truncatingIfNeeded: entries[position].hash) & mask
        while index[slot] != 0 { slot = (slot + 1) & mask }
        index[slot] = Int32(position + 1)
    }
}

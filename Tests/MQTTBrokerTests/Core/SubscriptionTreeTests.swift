// The subscription trie against the reference matcher `TopicFilter.matches`, plus its bookkeeping.

import MQTTCodec
import Testing

@testable import MQTTBroker

extension SubscriptionTree {
    /// Every (subscriber, QoS) matching `topic`, once per matching filter.
    func matches(_ topic: String) -> [(Subscriber, QoS)] {
        var results: [(Subscriber, QoS)] = []
        topicName(topic).bytes.withReadableBytes { match(topicBytes: $0, into: &results) }
        return results
    }

}

@Suite struct SubscriptionTreeTests {
    static let rules: [(filter: String, topic: String, matches: Bool)] = [
        ("a/b", "a/b", true), ("a/b", "a/c", false), ("a/b", "a/b/c", false), ("a/b", "a", false),
        ("a/+", "a/b", true), ("a/+", "a/", true), ("a/+", "a", false), ("a/+", "a/b/c", false),
        ("+", "a", true), ("+", "/", false), ("+/+", "/", true), ("/+", "/a", true), ("+/a", "/a", true),
        ("a/#", "a", true), ("a/#", "a/", true), ("a/#", "a/b/c", true), ("a/#", "ab", false),
        ("#", "a/b", true), ("#", "/", true), ("a//b", "a//b", true), ("a/+/b", "a//b", true),
        ("a/+/#", "a/b", true), ("a/+/#", "a", false),
        ("#", "$SYS/a", false), ("+/a", "$SYS/a", false), ("+", "$SYS", false), ("$SYS/#", "$SYS", true),
        ("$SYS/+", "$SYS/a", true), ("a/#", "a/$x", true), ("a/+", "a/$x", true),
    ]

    @Test("wildcard rules (section 4.7), in the trie and the reference matcher alike", arguments: rules)
    func wildcardRule(filter string: String, topic: String, matches expected: Bool) {
        let tree = SubscriptionTree<Int>()
        tree.insert(filter(string), subscriber: 1, qos: .atLeastOnce)
        #expect(tree.matches(topic).map(\.0) == (expected ? [1] : []))
        #expect(filter(string).matches(topicName(topic)) == expected)
    }

    static let levels = ["a", "b", "", "$x", "+"]
    static let topicLevels = ["a", "b", "", "$x"]

    static func randomFilter(using generator: inout SeededGenerator) -> TopicFilter? {
        var parts = (0..<Int.random(in: 1...4, using: &generator)).map { _ in levels.randomElement(using: &generator)! }
        if Bool.random(using: &generator) { parts.append("#") }
        return try? TopicFilter(parts.joined(separator: "/"))
    }

    static func randomTopic(using generator: inout SeededGenerator) -> TopicName? {
        let parts = (0..<Int.random(in: 1...4, using: &generator)).map { _ in
            topicLevels.randomElement(using: &generator)!
        }
        return try? TopicName(parts.joined(separator: "/"))
    }

    struct Key: Hashable {
        let filter: TopicFilter
        let subscriber: Int
    }

    /// The matches the reference matcher predicts for `topic`, sorted.
    static func expected(_ reference: [Key: QoS], _ topic: TopicName) -> [String] {
        reference.filter { $0.key.filter.matches(topic) }.map { "\($0.key.subscriber):\($0.value.rawValue)" }.sorted()
    }

    static func actual(_ tree: SubscriptionTree<Int>, _ topic: TopicName) -> [String] {
        tree.matches(topic.string).map { "\($0.0):\($0.1.rawValue)" }.sorted()
    }

    @Test(
        "seeded comparison with the reference matcher, through inserts and removals",
        arguments: [1, 2, 3, 42, 2024] as [UInt64])
    func seededComparison(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let tree = SubscriptionTree<Int>()
        var reference: [Key: QoS] = [:]
        for _ in 0..<300 {
            guard let filter = Self.randomFilter(using: &generator) else { continue }
            let key = Key(filter: filter, subscriber: Int.random(in: 0..<8, using: &generator))
            let qos = QoS.allCases.randomElement(using: &generator)!
            let isNew = tree.insert(filter, subscriber: key.subscriber, qos: qos)
            #expect(isNew == (reference[key] == nil))
            reference[key] = qos
        }
        #expect(tree.count == reference.count)
        let topics = (0..<300).compactMap { _ in Self.randomTopic(using: &generator) }
        for topic in topics { #expect(Self.actual(tree, topic) == Self.expected(reference, topic), "\(topic)") }
        let matched = topics.filter { !Self.expected(reference, $0).isEmpty }
        #expect(matched.count > topics.count / 4, "the alphabet is small enough for many topics to match")
        let leadingWildcard = reference.keys.contains { if case .literal = $0.filter.levels[0] { false } else { true } }
        #expect(leadingWildcard && topics.contains(where: \.isDollarTopic), "the `$` rule is exercised")

        for key in reference.keys.shuffled(using: &generator).prefix(reference.count / 2) {
            let removed = tree.remove(key.filter, subscriber: key.subscriber)
            #expect(removed)
            reference[key] = nil
        }
        #expect(tree.count == reference.count)
        for topic in topics { #expect(Self.actual(tree, topic) == Self.expected(reference, topic), "\(topic)") }

        for key in reference.keys {
            let removed = tree.remove(key.filter, subscriber: key.subscriber)
            let removedAgain = tree.remove(key.filter, subscriber: key.subscriber)
            #expect(removed && !removedAgain, "removed exactly once")
        }
        #expect(tree.count == 0)
        #expect(tree.nodeCount == 1, "every emptied branch is pruned")
        for topic in topics { #expect(tree.matches(topic.string).isEmpty) }
    }

    @Test("insert reports new subscriptions, replaces the QoS of existing ones")
    func insertBookkeeping() {
        let tree = SubscriptionTree<Int>()
        let inserted = [
            tree.insert(filter("a/+"), subscriber: 1, qos: .atMostOnce),
            tree.insert(filter("a/+"), subscriber: 1, qos: .exactlyOnce),
            tree.insert(filter("a/+"), subscriber: 2, qos: .atLeastOnce),
            tree.insert(filter("a/#"), subscriber: 1, qos: .atLeastOnce),
        ]
        #expect(inserted == [true, false, true, true])
        #expect(tree.count == 3)
        let found = tree.matches("a/b").map { "\($0.0):\($0.1.rawValue)" }.sorted()
        #expect(found == ["1:1", "1:2", "2:1"], "one entry per matching filter")
    }

    @Test("removal prunes only emptied branches and reports what it removed")
    func removalPrunes() {
        let tree = SubscriptionTree<Int>()
        tree.insert(filter("a/b/c"), subscriber: 1, qos: .atMostOnce)
        tree.insert(filter("a/+/#"), subscriber: 1, qos: .atMostOnce)
        tree.insert(filter("a"), subscriber: 2, qos: .atMostOnce)
        #expect(tree.nodeCount == 6)  // root, a, a/b, a/b/c, a/+, a/+/#
        // a/b is a path, not a subscription; a/b/c is subscriber 1's; x/y does not exist.
        let failed = [
            tree.remove(filter("a/b"), subscriber: 1), tree.remove(filter("a/b/c"), subscriber: 2),
            tree.remove(filter("x/y"), subscriber: 1),
        ]
        #expect(failed == [false, false, false])
        #expect(tree.nodeCount == 6, "failed removals create nothing and prune nothing")
        var nodesAfterEachRemoval: [Int] = []
        for (string, subscriber) in [("a/b/c", 1), ("a/+/#", 1), ("a", 2)] {
            let removed = tree.remove(filter(string), subscriber: subscriber)
            #expect(removed)
            nodesAfterEachRemoval.append(tree.nodeCount)
        }
        // a still holds subscriber 2 after the second removal.
        #expect(nodesAfterEachRemoval == [4, 2, 1])
        #expect(tree.count == 0)
    }

    @Test("a node with hundreds of literal children (past the scanned few) finds, adds and removes each")
    func manyLiteralChildren() {
        let tree = SubscriptionTree<Int>()
        let names = (0..<300).map { "device-\($0)" }
        for (subscriber, name) in names.enumerated() {
            tree.insert(filter("site/\(name)/temperature"), subscriber: subscriber, qos: .atLeastOnce)
        }
        for (subscriber, name) in names.enumerated() {
            #expect(tree.matches("site/\(name)/temperature").map(\.0) == [subscriber])
        }
        #expect(tree.matches("site/device-300/temperature").isEmpty)
        #expect(tree.matches("site/device-1/humidity").isEmpty)
        // Remove every even one: the rest must still be found after the entries move around.
        for (subscriber, name) in names.enumerated() where subscriber % 2 == 0 {
            #expect(tree.remove(filter("site/\(name)/temperature"), subscriber: subscriber))
        }
        for (subscriber, name) in names.enumerated() {
            let expected = subscriber % 2 == 0 ? [] : [subscriber]
            #expect(tree.matches("site/\(name)/temperature").map(\.0) == expected)
        }
        // Down to a few children again: back to a plain scan, still correct.
        for (subscriber, name) in names.enumerated() where subscriber % 2 == 1 && subscriber > 9 {
            #expect(tree.remove(filter("site/\(name)/temperature"), subscriber: subscriber))
        }
        #expect(tree.count == 5)
        for subscriber in [1, 3, 5, 7, 9] {
            #expect(tree.matches("site/device-\(subscriber)/temperature").map(\.0) == [subscriber])
        }
        #expect(tree.nodeCount == 1 + 1 + 5 + 5)  // root, site, five devices, five temperatures
    }
}

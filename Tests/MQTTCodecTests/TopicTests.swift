import MQTTCodec
import Testing

// Topic names, topic filters and matching (section 4.7). The examples of sections 4.7.1 and 4.7.2
// are all here, plus the corners they imply: empty levels, trailing separators and `$` topics.

struct MatchCase: Sendable, CustomTestStringConvertible {
    let filter: String
    let topic: String
    let matches: Bool
    var testDescription: String { "\"\(filter)\" \(matches ? "matches" : "misses") \"\(topic)\"" }
}

private func match(_ filter: String, _ topic: String, _ matches: Bool) -> MatchCase {
    MatchCase(filter: filter, topic: topic, matches: matches)
}

enum MatchCases {
    static let all: [MatchCase] = [
        // Section 4.7.1.2: the multi-level wildcard.
        match("sport/tennis/player1/#", "sport/tennis/player1", true),
        match("sport/tennis/player1/#", "sport/tennis/player1/ranking", true),
        match("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true),
        match("sport/tennis/player1/#", "sport/tennis/player2", false),
        match("sport/tennis/player1/#", "sport/tennis", false),
        match("sport/#", "sport", true),
        match("sport/#", "sport/", true),
        match("sport/#", "sports", false),
        match("sport/#", "sport2/tennis", false),
        match("#", "sport", true),
        match("#", "/", true),
        match("#", "a/b/c/d", true),
        match("/#", "/", true),
        match("/#", "/finance", true),
        match("/#", "finance", false),
        // Section 4.7.1.3: the single-level wildcard.
        match("sport/tennis/+", "sport/tennis/player1", true),
        match("sport/tennis/+", "sport/tennis/player2", true),
        match("sport/tennis/+", "sport/tennis/player1/ranking", false),
        match("sport/tennis/+", "sport/tennis", false),
        match("sport/+", "sport", false),
        match("sport/+", "sport/", true),
        match("+", "sport", true),
        match("+", "/finance", false),
        match("+/+", "/finance", true),
        match("/+", "/finance", true),
        match("+/tennis/#", "sport/tennis/player1", true),
        match("+/tennis/#", "sport/tennis", true),
        match("+/tennis/#", "sport/golf", false),
        match("sport/+/player1", "sport/tennis/player1", true),
        match("sport/+/player1", "sport//player1", true),
        match("a/+/#", "a/b", true),
        match("a/+/#", "a/b/c/d", true),
        match("a/+/#", "a", false),
        match("+/#", "a", true),
        match("+/+/+", "a//b", true),
        match("+/+/+", "a/b", false),
        // Empty levels and separators are significant (section 4.7.3).
        match("a//b", "a//b", true),
        match("a/b", "a//b", false),
        match("a/+/b", "a//b", true),
        match("a/b", "a/b/", false),
        match("a/b/", "a/b/", true),
        match("a/b/+", "a/b/", true),
        match("a/b/#", "a/b/", true),
        match("/", "/", true),
        match("+/+", "/", true),
        match("+", "/", false),
        match("/finance", "finance", false),
        // Literal comparison: case, spaces, no normalization [MQTT-4.7.3-4].
        match("ACCOUNTS", "Accounts", false),
        match("Accounts payable", "Accounts payable", true),
        match("\u{E9}", "e\u{301}", false),
        match("e\u{301}", "e\u{301}", true),
        match("a/b", "a/bc", false),
        match("a/bc", "a/b", false),
        match("a/b/c", "a/b", false),
        match("a/b", "a/b/c", false),
        // Section 4.7.2: topics starting with `$` [MQTT-4.7.2-1].
        match("#", "$SYS/uptime", false),
        match("#", "$SYS", false),
        match("#", "$", false),
        match("+/monitor/Clients", "$SYS/monitor/Clients", false),
        match("+", "$SYS", false),
        match("+/#", "$SYS/x", false),
        match("$SYS/#", "$SYS/x", true),
        match("$SYS/#", "$SYS", true),
        match("$SYS/monitor/+", "$SYS/monitor/Clients", true),
        match("$SYS", "$SYS", true),
        match("$", "$", true),
        match("$SYS/#", "$SYS2/x", false),
        match("#", "a/$SYS", true),
        match("a/+", "a/$SYS", true),
        match("+/$SYS", "a/$SYS", true),
    ]
}

struct TopicNameCase: Sendable, CustomTestStringConvertible {
    let string: String
    let error: TopicError?
    var testDescription: String { "\"\(string.prefix(20))\"\(string.utf8.count > 20 ? "…" : "")" }
}

struct TopicFilterCase: Sendable, CustomTestStringConvertible {
    let string: String
    let error: TopicError?
    var testDescription: String { "\"\(string.prefix(20))\"\(string.utf8.count > 20 ? "…" : "")" }
}

enum TopicValidationCases {
    static let names: [TopicNameCase] = [
        TopicNameCase(string: "a", error: nil),
        TopicNameCase(string: "/", error: nil),
        TopicNameCase(string: "a//b", error: nil),
        TopicNameCase(string: "a/", error: nil),
        TopicNameCase(string: "$SYS/broker/uptime", error: nil),
        TopicNameCase(string: " ", error: nil),
        TopicNameCase(string: "Accounts payable", error: nil),
        TopicNameCase(string: "\u{FEFF}", error: nil),
        TopicNameCase(string: "日本/\u{2A6D4}", error: nil),
        TopicNameCase(string: String(repeating: "a", count: 65535), error: nil),
        TopicNameCase(string: "", error: .empty),
        TopicNameCase(string: "a/+", error: .wildcardInTopicName),
        TopicNameCase(string: "+", error: .wildcardInTopicName),
        TopicNameCase(string: "#", error: .wildcardInTopicName),
        TopicNameCase(string: "sport/#", error: .wildcardInTopicName),
        TopicNameCase(string: "a#b", error: .wildcardInTopicName),
        TopicNameCase(string: "a\u{0}b", error: .nullCharacter),
        TopicNameCase(string: "\u{0}", error: .nullCharacter),
        TopicNameCase(string: String(repeating: "a", count: 65536), error: .tooLong(65536)),
        TopicNameCase(string: String(repeating: "é", count: 32768), error: .tooLong(65536)),
    ]

    static let filters: [TopicFilterCase] = [
        TopicFilterCase(string: "#", error: nil),
        TopicFilterCase(string: "+", error: nil),
        TopicFilterCase(string: "+/+", error: nil),
        TopicFilterCase(string: "/+", error: nil),
        TopicFilterCase(string: "+/", error: nil),
        TopicFilterCase(string: "sport/#", error: nil),
        TopicFilterCase(string: "/#", error: nil),
        TopicFilterCase(string: "+/tennis/#", error: nil),
        TopicFilterCase(string: "sport/+/player1", error: nil),
        TopicFilterCase(string: "$SYS/#", error: nil),
        TopicFilterCase(string: "/", error: nil),
        TopicFilterCase(string: "//", error: nil),
        TopicFilterCase(string: "a b/\u{FEFF}", error: nil),
        TopicFilterCase(string: String(repeating: "+/", count: 32767) + "#", error: nil),
        TopicFilterCase(string: "", error: .empty),
        TopicFilterCase(string: "sport/tennis#", error: .misplacedMultiLevelWildcard),
        TopicFilterCase(string: "sport/tennis/#/ranking", error: .misplacedMultiLevelWildcard),
        TopicFilterCase(string: "#/", error: .misplacedMultiLevelWildcard),
        TopicFilterCase(string: "##", error: .misplacedMultiLevelWildcard),
        TopicFilterCase(string: "a/#b", error: .misplacedMultiLevelWildcard),
        TopicFilterCase(string: "+#", error: .misplacedMultiLevelWildcard),
        TopicFilterCase(string: "sport+", error: .misplacedSingleLevelWildcard),
        TopicFilterCase(string: "+sport", error: .misplacedSingleLevelWildcard),
        TopicFilterCase(string: "a/++/b", error: .misplacedSingleLevelWildcard),
        TopicFilterCase(string: "a/b+", error: .misplacedSingleLevelWildcard),
        TopicFilterCase(string: "a/\u{0}", error: .nullCharacter),
        TopicFilterCase(string: String(repeating: "a", count: 65536), error: .tooLong(65536)),
    ]
}

@Suite struct TopicTests {
    @Test(arguments: MatchCases.all)
    func matchingTable(_ row: MatchCase) throws {
        let filter = try TopicFilter(row.filter)
        let topic = try TopicName(row.topic)
        #expect(filter.matches(topic) == row.matches)
        #expect(referenceMatch(filter: row.filter, topic: row.topic) == row.matches, "the reference matcher disagrees")
    }

    @Test(arguments: TopicValidationCases.names)
    func topicNameValidation(_ row: TopicNameCase) {
        do {
            let name = try TopicName(row.string)
            #expect(row.error == nil, "accepted")
            #expect(name.bytes.bytes == utf8(row.string))
            #expect(name.string == row.string)
        } catch {
            #expect(error == row.error)
        }
    }

    @Test(arguments: TopicValidationCases.filters)
    func topicFilterValidation(_ row: TopicFilterCase) {
        do {
            let filter = try TopicFilter(row.string)
            #expect(row.error == nil, "accepted")
            #expect(filter.string == row.string)
            #expect(
                filter.levels.count
                    == row.string.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).count)
        } catch {
            #expect(error == row.error)
        }
    }

    @Test(arguments: [hex("C0 AF"), hex("ED A0 80"), hex("F4 90 80 80"), hex("61 E6 97"), hex("80")])
    func illFormedBytesAreRejected(_ bytes: [UInt8]) {
        #expect(throws: TopicError.invalidUTF8) { try TopicName(validating: ByteBuffer(bytes: bytes)) }
        #expect(throws: TopicError.invalidUTF8) { try TopicFilter(validating: ByteBuffer(bytes: bytes)) }
    }

    @Test func nullCharacterInBytesIsRejected() {
        #expect(throws: TopicError.nullCharacter) { try TopicName(validating: ByteBuffer(bytes: hex("61 00"))) }
        #expect(throws: TopicError.nullCharacter) { try TopicFilter(validating: ByteBuffer(bytes: hex("23 00"))) }
    }

    @Test func topicErrorsNameTheirStatements() {
        let expected: [(TopicError, String)] = [
            (.empty, "MQTT-4.7.3-1"), (.nullCharacter, "MQTT-4.7.3-2"), (.tooLong(65536), "MQTT-4.7.3-3"),
            (.invalidUTF8, "MQTT-1.5.3-1"), (.wildcardInTopicName, "MQTT-3.3.2-2"),
            (.misplacedMultiLevelWildcard, "MQTT-4.7.1-2"), (.misplacedSingleLevelWildcard, "MQTT-4.7.1-3"),
        ]
        for (error, statement) in expected {
            #expect(error.normativeStatement == statement)
            #expect(error.description.hasSuffix("[\(statement)]"))
            #expect(DecodeError.invalidTopicName(error).normativeStatement == statement)
        }
    }

    @Test func filterLevelsAreParsed() throws {
        #expect(
            try TopicFilter("a/+/#").levels == [.literal(utf8("a")), .singleLevelWildcard, .multiLevelWildcard])
        #expect(try TopicFilter("/").levels == [.literal([]), .literal([])])
        #expect(try TopicFilter("$SYS").levels == [.literal(utf8("$SYS"))])
    }

    @Test func wildcardsAndDollarTopicsAreReported() throws {
        #expect(try TopicFilter("a/+").hasWildcards)
        #expect(try TopicFilter("#").hasWildcards)
        #expect(try !TopicFilter("a/b").hasWildcards)
        #expect(try TopicName("$SYS/x").isDollarTopic)
        #expect(try !TopicName("a/$SYS").isDollarTopic)
    }

    @Test func filtersCompareByBytesNotCanonicalEquivalence() throws {
        // [MQTT-4.7.3-4]: "é" precomposed and decomposed are different filters.
        #expect(try TopicFilter("\u{E9}") != TopicFilter("e\u{301}"))
        #expect(try TopicName("\u{E9}") != TopicName("e\u{301}"))
    }

    @Test func matchingRawBytesAgreesWithTopicName() throws {
        let filter = try TopicFilter("a/+/c")
        for (topic, expected) in [("a/b/c", true), ("a//c", true), ("a/b", false), ("$a/b/c", false)] {
            let bytes = utf8(topic)
            #expect(bytes.withUnsafeBytes { filter.matches(topicBytes: $0) } == expected, "\(topic)")
        }
    }

    /// Thousands of random filter/topic pairs from a small alphabet (empty levels and `$` included),
    /// checked against `referenceMatch`, which works on characters rather than levels.
    @Test func randomPairsAgreeWithReferenceMatcher() throws {
        var random = SplitMix64(seed: 0x7061_6972_7321)
        let literals = ["", "a", "b", "ab", "$", "$SYS", "é", "a$"]
        var filters: [String] = []
        while filters.count < 300 {
            var levels = (0..<Int.random(in: 1...4, using: &random)).map { _ in
                random.chance(1, in: 3) ? "+" : random.pick(literals)
            }
            if random.chance(1, in: 3) { levels.append("#") }
            let filter = levels.joined(separator: "/")
            if !filter.isEmpty { filters.append(filter) }
        }
        var topics: [(string: String, name: TopicName)] = []
        while topics.count < 150 {
            let string = (0..<Int.random(in: 1...5, using: &random)).map { _ in random.pick(literals) }
                .joined(separator: "/")
            if !string.isEmpty { topics.append((string, try TopicName(string))) }
        }
        var matched = 0
        var missed = 0
        for filterString in filters {
            let filter = try TopicFilter(filterString)
            for (topicString, topic) in topics {
                let expected = referenceMatch(filter: filterString, topic: topicString)
                let actual = filter.matches(topic)
                if actual != expected {
                    Issue.record("\"\(filterString)\" vs \"\(topicString)\": got \(actual), reference says \(expected)")
                    return
                }
                if expected { matched += 1 } else { missed += 1 }
            }
        }
        // Both outcomes must be common, or the comparison proves little.
        #expect(matched > 1000)
        #expect(missed > 1000)
    }
}

// MARK: - Reference matcher

/// A deliberately different matcher: the filter becomes a byte pattern (`+` is "any run of
/// non-separators", `/#` is "optionally a separator and anything", a leading `#` is "anything"),
/// matched by plain backtracking over the topic's bytes, after the `$` rule of section 4.7.2.
/// Bytes, not `Character`s: Swift compares characters up to canonical equivalence, and topic
/// matching must not normalize [MQTT-4.7.3-4].
func referenceMatch(filter: String, topic: String) -> Bool {
    let slash = UInt8(ascii: "/")
    if topic.utf8.first == UInt8(ascii: "$") && (filter.hasPrefix("+") || filter.hasPrefix("#")) { return false }
    enum Token: Equatable {
        case byte(UInt8)
        case levelRun
        case rest
        case optionalSeparatorThenRest
    }
    var pattern: [Token] = []
    for (index, level) in filter.utf8.split(separator: slash, omittingEmptySubsequences: false).enumerated() {
        if index > 0 { pattern.append(.byte(slash)) }
        switch Array(level) {
        case [UInt8(ascii: "+")]: pattern.append(.levelRun)
        case [UInt8(ascii: "#")]:
            if index > 0 {
                pattern.removeLast()
                pattern.append(.optionalSeparatorThenRest)
            } else {
                pattern.append(.rest)
            }
        default: pattern += level.map(Token.byte)
        }
    }
    let text = Array(topic.utf8)
    func matches(_ p: Int, _ t: Int) -> Bool {
        guard p < pattern.count else { return t == text.count }
        switch pattern[p] {
        case .byte(let byte):
            return t < text.count && text[t] == byte && matches(p + 1, t + 1)
        case .levelRun:
            var end = t
            while true {
                if matches(p + 1, end) { return true }
                guard end < text.count, text[end] != slash else { return false }
                end += 1
            }
        case .rest:
            return true
        case .optionalSeparatorThenRest:
            return t == text.count || text[t] == slash
        }
    }
    return matches(0, 0)
}

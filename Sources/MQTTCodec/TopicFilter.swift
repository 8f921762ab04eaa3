// A topic filter is what a SUBSCRIBE asks for. Levels are separated by '/':
//   "+"  matches exactly one level, which may be empty:   "a/+" matches "a/b" and "a/", not "a" or "a/b/c"
//   "#"  matches the parent level and any number below:  "a/#" matches "a", "a/", "a/b/c"
//   "#" and "+" alone do not match topics starting with '$' [MQTT-4.7.2-1]: "#" misses "$SYS/uptime".
// "#" must stand alone in the last level [MQTT-4.7.1-2]; "+" must fill its level [MQTT-4.7.1-3].

/// A validated topic filter with its levels parsed once.
public struct TopicFilter: Sendable, Hashable {
    /// One level of a filter.
    public enum Level: Sendable, Hashable {
        case literal([UInt8])
        case singleLevelWildcard
        case multiLevelWildcard
    }

    /// The filter as the client sent it.
    public let string: String
    /// The parsed levels, in order.
    public let levels: [Level]

    /// Validates `string` as a topic filter (sections 4.7.1 and 4.7.3).
    public init(_ string: String) throws(TopicError) {
        var copy = string
        let utf8Count = copy.withUTF8 { $0.count }
        guard utf8Count > 0 else { throw .empty }
        guard utf8Count <= Int(UInt16.max) else { throw .tooLong(utf8Count) }
        if string.utf8.contains(0) { throw .nullCharacter }
        let rawLevels = string.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        var levels: [Level] = []
        levels.reserveCapacity(rawLevels.count)
        for (index, raw) in rawLevels.enumerated() {
            levels.append(try Self.parseLevel(Array(raw), isLast: index == rawLevels.count - 1))
        }
        self.string = string
        self.levels = levels
    }

    /// Validates wire bytes as a topic filter.
    public init(validating bytes: ByteBuffer) throws(TopicError) {
        let verdict = bytes.withReadableBytes(validateMQTTUTF8)
        switch verdict {
        case .valid: try self.init(bytes.readableString)
        case .illFormed: throw .invalidUTF8
        case .containsNull: throw .nullCharacter
        }
    }

    private static func parseLevel(_ raw: [UInt8], isLast: Bool) throws(TopicError) -> Level {
        let plus = UInt8(ascii: "+")
        let hash = UInt8(ascii: "#")
        if raw == [hash] {
            guard isLast else { throw .misplacedMultiLevelWildcard }
            return .multiLevelWildcard
        }
        if raw == [plus] { return .singleLevelWildcard }
        if raw.contains(hash) { throw .misplacedMultiLevelWildcard }
        if raw.contains(plus) { throw .misplacedSingleLevelWildcard }
        return .literal(raw)
    }

    /// Whether any level is a wildcard.
    public var hasWildcards: Bool {
        levels.contains { if case .literal = $0 { false } else { true } }
    }

    /// Whether `topic` matches this filter, `$` rule included.
    public func matches(_ topic: TopicName) -> Bool {
        topic.bytes.withReadableBytes { matches(topicBytes: $0) }
    }

    /// Whether the topic with these UTF-8 bytes matches this filter.
    public func matches(topicBytes bytes: UnsafeRawBufferPointer) -> Bool {
        let slash = UInt8(ascii: "/")
        if bytes.first == UInt8(ascii: "$"), let first = levels.first {
            if case .literal = first {} else { return false }  // [MQTT-4.7.2-1]
        }
        var position = 0  // start of the current topic level; count + 1 once all levels are used
        for level in levels {
            if case .multiLevelWildcard = level { return true }
            guard position <= bytes.count else { return false }
            var end = position
            while end < bytes.count && bytes[end] != slash { end += 1 }
            if case .literal(let literal) = level {
                guard literal.count == end - position else { return false }
                for offset in 0..<literal.count where literal[offset] != bytes[position + offset] { return false }
            }
            position = end + 1
        }
        return position == bytes.count + 1
    }
}

extension TopicFilter: CustomStringConvertible {
    public var description: String { string }
}

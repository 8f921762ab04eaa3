// A topic name is what a PUBLISH is sent to: one or more levels separated by '/', levels may be
// empty ("/a", "a//b", "a/" are all valid), no wildcards, no U+0000, 1..65535 bytes of UTF-8.

/// A validated topic name, kept as bytes: it stays bytes on the publish path.
public struct TopicName: Sendable, Hashable {
    /// The UTF-8 bytes of the name.
    public let bytes: ByteBuffer

    /// Validates `string` as a topic name [MQTT-4.7.1-1], [MQTT-4.7.3-1..3].
    public init(_ string: String) throws(TopicError) {
        try self.init(validating: ByteBuffer(string: string))
    }

    /// Validates raw bytes (already known to be well-formed UTF-8 or not) as a topic name.
    public init(validating bytes: ByteBuffer) throws(TopicError) {
        try bytes.withReadableBytes { (raw) throws(TopicError) in
            try Self.validate(raw)
        }
        self.bytes = bytes
    }

    /// Builds a topic name from bytes the caller has already validated (persistence, the broker's own
    /// `$SYS` topics).
    public init(uncheckedBytes bytes: ByteBuffer) {
        self.bytes = bytes
    }

    /// Rejections in this order: empty, too long, ill-formed UTF-8, U+0000, wildcard. Plain ASCII
    /// with no NUL and no wildcard, the usual topic, is accepted in one pass over the bytes; only
    /// from the first other byte on does the full check run (it used to scan every topic three
    /// times: docs/benchmarks.md, hot spot 8).
    static func validate(_ raw: UnsafeRawBufferPointer) throws(TopicError) {
        guard raw.count > 0 else { throw .empty }
        guard raw.count <= Int(UInt16.max) else { throw .tooLong(raw.count) }
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            // byte &- 1 >= 0x7F: NUL or not ASCII. byte | 0x08 == 0x2B: '#' (0x23) or '+' (0x2B).
            if byte &- 1 >= 0x7F || byte | 0x08 == 0x2B { break }
            index += 1
        }
        guard index < raw.count else { return }
        // The prefix is clean ASCII, so `index` starts a character.
        let rest = UnsafeRawBufferPointer(rebasing: raw[index...])
        switch validateMQTTUTF8(rest) {
        case .valid: break
        case .illFormed: throw .invalidUTF8
        case .containsNull: throw .nullCharacter
        }
        if rest.contains(UInt8(ascii: "+")) || rest.contains(UInt8(ascii: "#")) { throw .wildcardInTopicName }
    }

    /// The name as a `String` (cold paths: logs, tests, configuration).
    public var string: String { bytes.readableString }

    /// Names starting with `$` are not matched by filters starting with a wildcard [MQTT-4.7.2-1].
    public var isDollarTopic: Bool { bytes.peekInteger() == UInt8(ascii: "$") }
}

extension TopicName: CustomStringConvertible {
    public var description: String { string }
}

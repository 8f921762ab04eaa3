/// Why a string is not a valid topic name or topic filter (MQTT 3.1.1 sections 4.7 and 1.5.3).
public enum TopicError: Error, Sendable, Hashable {
    /// Topic names and filters are at least one character long [MQTT-4.7.3-1].
    case empty
    /// At most 65,535 bytes of UTF-8 [MQTT-4.7.3-3].
    case tooLong(Int)
    /// U+0000 is not allowed [MQTT-4.7.3-2], [MQTT-1.5.3-2].
    case nullCharacter
    /// Ill-formed UTF-8, surrogates included [MQTT-1.5.3-1].
    case invalidUTF8
    /// A topic name carries no wildcard [MQTT-3.3.2-2], [MQTT-4.7.1-1].
    case wildcardInTopicName
    /// `#` stands alone in the last level [MQTT-4.7.1-2].
    case misplacedMultiLevelWildcard
    /// `+` occupies a whole level [MQTT-4.7.1-3].
    case misplacedSingleLevelWildcard

    /// The normative statement this rejection enforces.
    public var normativeStatement: String {
        switch self {
        case .empty: "MQTT-4.7.3-1"
        case .tooLong: "MQTT-4.7.3-3"
        case .nullCharacter: "MQTT-4.7.3-2"
        case .invalidUTF8: "MQTT-1.5.3-1"
        case .wildcardInTopicName: "MQTT-3.3.2-2"
        case .misplacedMultiLevelWildcard: "MQTT-4.7.1-2"
        case .misplacedSingleLevelWildcard: "MQTT-4.7.1-3"
        }
    }
}

extension TopicError: CustomStringConvertible {
    public var description: String {
        let reason =
            switch self {
            case .empty: "is empty"
            case .tooLong(let length): "is \(length) bytes long, more than 65535"
            case .nullCharacter: "contains U+0000"
            case .invalidUTF8: "is not well-formed UTF-8"
            case .wildcardInTopicName: "contains a wildcard (+ or #)"
            case .misplacedMultiLevelWildcard: "has '#' somewhere other than alone in the last level"
            case .misplacedSingleLevelWildcard: "has '+' that does not occupy a whole level"
            }
        return "topic \(reason) [\(normativeStatement)]"
    }
}

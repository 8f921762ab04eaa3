import Foundation

// Every payload of the shop is JSON written by Foundation's JSONEncoder with sorted keys, so the
// same value always gives the same bytes. Dates are ISO-8601 in UTC with millisecond precision:
// `2025-03-01T09:30:00Z` when the milliseconds are zero, `2025-03-01T09:30:00.250Z` otherwise
// (finer fractions are rounded). Both forms are read.

/// The shop's JSON encoding and decoding.
public enum ShopJSON {
    /// The JSON bytes of `value`.
    public static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(format(date))
        }
        do {
            return Array(try encoder.encode(value))
        } catch {
            // The shop's types hold strings, integers and dates only; none can fail to encode.
            preconditionFailure("encoding \(type(of: value)) failed: \(error)")
        }
    }

    /// Decodes `payload`, or says in one line what is wrong with it.
    public static func decode<Value: Decodable>(
        _ type: Value.Type, from payload: [UInt8]
    ) throws(UnreadableMessage) -> Value {
        if payload.isEmpty { throw UnreadableMessage("empty payload") }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = parseDate(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "\"\(text)\" is not an ISO-8601 date such as 2025-03-01T09:30:00Z")
            }
            return date
        }
        do {
            return try decoder.decode(type, from: Data(payload))
        } catch let error as DecodingError {
            throw UnreadableMessage(reason(for: error))
        } catch {
            throw UnreadableMessage("not valid JSON")
        }
    }

    /// `date` as the shop writes it, to the nearest millisecond.
    public static func format(_ date: Date) -> String {
        guard let total = milliseconds(since1970: date) else { return date.formatted(.iso8601) }
        var (seconds, milliseconds) = total.quotientAndRemainder(dividingBy: 1000)
        if milliseconds < 0 {
            seconds -= 1
            milliseconds += 1000
        }
        let whole = Date(timeIntervalSince1970: Double(seconds)).formatted(.iso8601)
        guard milliseconds != 0, whole.hasSuffix("Z") else { return whole }
        let digits = String(milliseconds)
        return whole.dropLast() + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// Reads an ISO-8601 date with or without fractional seconds, to the nearest millisecond:
    /// the same `Date` as `date(millisecondsSince1970:)` gives, so decoded dates compare equal.
    public static func parseDate(_ text: String) -> Date? {
        guard
            let parsed = (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
                ?? (try? Date.ISO8601FormatStyle().parse(text))
        else { return nil }
        return milliseconds(since1970: parsed).map(date(millisecondsSince1970:))
    }

    /// The date `milliseconds` after 1970-01-01T00:00:00Z.
    public static func date(millisecondsSince1970 milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// `date` in whole milliseconds since 1970, or nil when that does not fit an `Int64`.
    private static func milliseconds(since1970 date: Date) -> Int64? {
        Int64(exactly: (date.timeIntervalSince1970 * 1000).rounded())
    }

    private static func reason(for error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return "not valid JSON"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "missing \(path(context.codingPath + [key]))"
        case .typeMismatch(let type, let context) where context.codingPath.isEmpty:
            return "payload is not a JSON \(typeName(type))"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) is not \(article(typeName(type)))"
        case .valueNotFound(_, let context):
            return "\(path(context.codingPath)) is null"
        @unknown default:
            return "not valid JSON"
        }
    }

    /// `"trail[1].stage"`, quoted.
    private static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return "\"\(text)\""
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "string"
        case is Int.Type: "integer"
        case is [Any].Type: "array"
        case is [String: Any].Type: "object"
        default: String(describing: type)
        }
    }

    private static func article(_ noun: String) -> String {
        noun.first.map { "aeiou".contains($0) } == true ? "an \(noun)" : "a \(noun)"
    }
}

/// Why an agent cannot handle a message: malformed JSON, a wrong schema, or a topic or payload
/// that contradicts the agent's subscription. The message goes to the dead-letter topic with this
/// reason.
public struct UnreadableMessage: Error, Sendable, Hashable, CustomStringConvertible {
    /// One line, for the dead letter and the log.
    public let reason: String

    public init(_ reason: String) { self.reason = reason }

    public var description: String { reason }
}

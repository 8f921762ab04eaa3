// mosquitto.conf syntax: one `key value` per line. A line whose first non-blank character is `#`
// is a comment; blank lines are skipped; spaces and tabs around the key and the value are dropped.
// Mosquitto itself only skips leading spaces (a leading tab or an indented `#` is an unknown key
// there), so every file Mosquitto reads is read the same way here.
//
// Values are either one word (numbers, booleans, choices; a `#` word may follow as a comment,
// which Mosquitto also tolerates because it ignores everything after the first word) or the rest
// of the line (paths and formats, which may contain spaces and `#`, as in Mosquitto).

/// One non-blank, non-comment line of a configuration file, split into key and value.
struct ConfigurationLine: Sendable, Hashable {
    let key: String
    /// Everything after the key, trimmed; empty when the line is the key alone.
    let value: String
    let location: ConfigurationLocation

    /// The meaningful lines of `text`, read from `file`.
    static func lines(of text: String, file: String) -> [ConfigurationLine] {
        var lines: [ConfigurationLine] = []
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isLineEnd).enumerated() {
            let content = raw.trimmingBlanks()
            guard let first = content.first, first != "#" else { continue }
            let keyEnd = content.firstIndex(where: \.isBlank) ?? content.endIndex
            lines.append(
                ConfigurationLine(
                    key: String(content[..<keyEnd]), value: String(content[keyEnd...].trimmingBlanks()),
                    location: ConfigurationLocation(file: file, line: index + 1)))
        }
        return lines
    }

    /// The value's words, up to a word that starts a comment.
    var words: [Substring] {
        Array(value.split(whereSeparator: \.isBlank).prefix(while: { !$0.hasPrefix("#") }))
    }

    /// The whole value, which must not be empty (paths, formats, prefixes).
    func text() throws(ConfigurationError) -> String {
        guard !value.isEmpty else { throw .missingValue(key: key, at: location) }
        return value
    }

    /// The value after its first word, which must not be empty (`log_dest file PATH`).
    func textAfterFirstWord() throws(ConfigurationError) -> String {
        let first = value.prefix(while: { !$0.isBlank })
        let rest = value[first.endIndex...].trimmingBlanks()
        guard !rest.isEmpty else { throw .missingValue(key: "\(key) \(first)", at: location) }
        return String(rest)
    }

    /// The value as one word; a comment may follow it, nothing else.
    func word() throws(ConfigurationError) -> String {
        try words(1...1)[0]
    }

    /// The value's words, whose number must be within `count`.
    func words(_ count: ClosedRange<Int>) throws(ConfigurationError) -> [String] {
        let words = self.words
        guard !words.isEmpty else { throw .missingValue(key: key, at: location) }
        guard words.count <= count.upperBound else {
            throw .unexpectedWords(key: key, words: words[count.upperBound...].joined(separator: " "), at: location)
        }
        guard words.count >= count.lowerBound else { throw .missingValue(key: key, at: location) }
        return words.map(String.init)
    }

    /// The value as a decimal integer within `range`.
    func integer(in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        try integer(word(), in: range)
    }

    /// `word` as a decimal integer within `range`, reported against this line.
    func integer(_ word: String, in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        let digits = word.hasPrefix("-") ? word.dropFirst() : Substring(word)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .notANumber(key: key, value: word, at: location)
        }
        guard let number = Int(word), range.contains(number) else {
            throw .outOfRange(key: key, value: word, range: range, at: location)
        }
        return number
    }

    /// `true` or `false`; Mosquitto also reads `1` and `0`.
    func boolean() throws(ConfigurationError) -> Bool {
        let word = try word()
        switch word {
        case "true", "1": return true
        case "false", "0": return false
        default: throw .notABoolean(key: key, value: word, at: location)
        }
    }

    /// The value, which must be one of `choices`' names.
    func choice<Choice>(_ choices: KeyValuePairs<String, Choice>) throws(ConfigurationError) -> Choice {
        try choice(word(), choices)
    }

    /// `word`, which must be one of `choices`' names, reported against this line.
    func choice<Choice>(_ word: String, _ choices: KeyValuePairs<String, Choice>) throws(ConfigurationError) -> Choice {
        guard let match = choices.first(where: { $0.key == word }) else {
            throw .notAChoice(key: key, value: word, choices: choices.map(\.key), at: location)
        }
        return match.value
    }
}

extension Character {
    fileprivate var isBlank: Bool { self == " " || self == "\t" || self == "\r" }
    /// Swift reads "\r\n" as one character.
    fileprivate var isLineEnd: Bool { self == "\n" || self == "\r\n" }
}

extension StringProtocol {
    fileprivate func trimmingBlanks() -> SubSequence {
        guard let start = firstIndex(where: { !$0.isBlank }) else { return self[endIndex...] }
        let end = lastIndex(where: { !$0.isBlank })!
        return self[start...end]
    }
}

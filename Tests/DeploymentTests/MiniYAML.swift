// Just enough YAML to read compose.yaml, which keeps to this subset: block mappings and block
// sequences by indentation, a sequence item being a scalar or a mapping that starts on the dash's
// line (`- subnet: 172.30.0.0/24` with its other keys below, lined up with `subnet`), flow
// sequences of scalars (`["shop", "order"]`), plain, single- and double-quoted scalars, and
// comments. Anchors, multi-line scalars, flow mappings and items that start on the line after
// their dash are refused, so the file cannot drift into what this reader would misread.

/// A YAML value of that subset.
indirect enum YAMLValue: Equatable {
    case scalar(String)
    case list([YAMLValue])
    case map([String: YAMLValue])

    subscript(key: String) -> YAMLValue? {
        if case .map(let entries) = self { return entries[key] }
        return nil
    }

    var string: String? {
        if case .scalar(let text) = self { return text }
        return nil
    }

    /// A list's scalars, or nil.
    var strings: [String]? {
        guard case .list(let items) = self else { return nil }
        let strings = items.compactMap(\.string)
        return strings.count == items.count ? strings : nil
    }

    /// A list's items, or nil.
    var items: [YAMLValue]? {
        if case .list(let items) = self { return items }
        return nil
    }

    var entries: [String: YAMLValue] {
        if case .map(let entries) = self { return entries }
        return [:]
    }
}

struct YAMLError: Error, CustomStringConvertible {
    let line: Int
    let message: String

    var description: String { "line \(line): \(message)" }
}

enum MiniYAML {
    private struct Line {
        let number: Int
        let indent: Int
        let content: String
    }

    static func parse(_ text: String) throws -> YAMLValue {
        var lines: [Line] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = stripComment(String(raw))
            guard !content.allSatisfy(\.isWhitespace) else { continue }
            let indent = content.prefix { $0 == " " }.count
            if content.dropFirst(indent).first == "\t" { throw YAMLError(line: index + 1, message: "tab indentation") }
            lines.append(
                Line(
                    number: index + 1, indent: indent,
                    content: String(content.trimmingTrailingSpaces().dropFirst(indent))))
        }
        var position = 0
        let value = try block(lines, &position, indent: lines.first?.indent ?? 0)
        if position < lines.count { throw YAMLError(line: lines[position].number, message: "unexpected indentation") }
        return value
    }

    private static func block(_ lines: [Line], _ position: inout Int, indent: Int) throws -> YAMLValue {
        if lines[position].content.hasPrefix("- ") || lines[position].content == "-" {
            var items: [YAMLValue] = []
            while position < lines.count, lines[position].indent == indent, lines[position].content.hasPrefix("-") {
                let line = lines[position]
                let rest = line.content.dropFirst().drop { $0 == " " }
                if rest.isEmpty {
                    throw YAMLError(line: line.number, message: "a sequence item must start on its dash's line")
                }
                if keyEnd(String(rest)) != nil {
                    items.append(try mappingItem(lines, &position, rest: String(rest)))
                } else {
                    items.append(try inline(String(rest), line: line.number))
                    position += 1
                }
            }
            return .list(items)
        }
        var entries: [String: YAMLValue] = [:]
        while position < lines.count, lines[position].indent == indent {
            let line = lines[position]
            guard let colon = keyEnd(line.content) else {
                throw YAMLError(line: line.number, message: "expected key: value")
            }
            let key = unquote(String(line.content[..<colon]))
            let rest = line.content[line.content.index(after: colon)...].drop { $0 == " " }
            if entries[key] != nil { throw YAMLError(line: line.number, message: "duplicate key \(key)") }
            position += 1
            if !rest.isEmpty {
                entries[key] = try inline(String(rest), line: line.number)
            } else if position < lines.count, lines[position].indent > indent {
                entries[key] = try block(lines, &position, indent: lines[position].indent)
            } else {
                entries[key] = .scalar("")
            }
        }
        return .map(entries)
    }

    /// A sequence item `- key: value` whose mapping goes on in the lines indented like `key`.
    private static func mappingItem(_ lines: [Line], _ position: inout Int, rest: String) throws -> YAMLValue {
        let dash = lines[position]
        let indent = dash.indent + dash.content.count - rest.count
        var item = lines
        item[position] = Line(number: dash.number, indent: indent, content: rest)
        return try block(item, &position, indent: indent)
    }

    /// The index of the colon ending a mapping key, outside quotes.
    private static func keyEnd(_ content: String) -> String.Index? {
        var quote: Character?
        var index = content.startIndex
        while index < content.endIndex {
            let character = content[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == ":" {
                let next = content.index(after: index)
                if next == content.endIndex || content[next] == " " { return index }
            }
            index = content.index(after: index)
        }
        return nil
    }

    private static func inline(_ text: String, line: Int) throws -> YAMLValue {
        if text.hasPrefix("{") || text.hasPrefix("&") || text.hasPrefix("*") || text.hasPrefix("|")
            || text.hasPrefix(">")
        {
            throw YAMLError(line: line, message: "unsupported YAML: \(text)")
        }
        guard text.hasPrefix("[") else { return .scalar(unquote(text)) }
        guard text.hasSuffix("]") else { throw YAMLError(line: line, message: "unterminated flow sequence") }
        var items: [YAMLValue] = []
        var current = ""
        var quote: Character?
        var escaping = false
        for character in text.dropFirst().dropLast() {
            if let open = quote {
                if escaping {
                    escaping = false
                } else if open == "\"" && character == "\\" {
                    escaping = true
                } else if character == open {
                    quote = nil
                }
                current.append(character)
            } else if character == "\"" || character == "'" {
                quote = character
                current.append(character)
            } else if character == "," {
                items.append(.scalar(unquote(current.trimmingSpaces())))
                current = ""
            } else if character == "[" || character == "{" {
                throw YAMLError(line: line, message: "nested flow collections")
            } else {
                current.append(character)
            }
        }
        if !current.trimmingSpaces().isEmpty { items.append(.scalar(unquote(current.trimmingSpaces()))) }
        return .list(items)
    }

    private static func unquote(_ text: String) -> String {
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") {
            return String(text.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
                .replacingOccurrences(of: "\\\\", with: "\\")
        }
        if text.count >= 2, text.hasPrefix("'"), text.hasSuffix("'") {
            return String(text.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
        }
        return text
    }

    /// The line without its comment: `#` at the start or after a space, outside quotes.
    private static func stripComment(_ line: String) -> String {
        var quote: Character?
        var escaping = false
        var previous: Character = " "
        var result = ""
        for character in line {
            if let open = quote {
                if escaping {
                    escaping = false
                } else if open == "\"" && character == "\\" {
                    escaping = true
                } else if character == open {
                    quote = nil
                }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#" && previous == " " {
                break
            }
            result.append(character)
            previous = character
        }
        return result
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }

    fileprivate func trimmingTrailingSpaces() -> String {
        String(reversed().drop { $0 == " " }.reversed())
    }
}

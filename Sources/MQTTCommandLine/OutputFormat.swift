// `-F`: mosquitto_sub's output format, byte for byte (Mosquitto 2.0 sub_client_output.c).
//   %t topic  %p payload  %q QoS  %r retain  %l length  %m message id  %x/%X payload in hex
//   %I ISO 8601 local time  %U Unix time with nanoseconds  %j/%J JSON  %% a percent sign
//   flags after %: '-' left-aligns, '0' zero-pads; then a width, then '.' and a precision
//   @X strftime's %X (@N nanoseconds, @@ '@');  \n \t \r \v \a \e \0 \\ escapes
// The MQTT v5 properties (%A %C %D %E %F %P %R %S) are never present in 3.1.1: they print blanks.
// Mosquitto's quirks are kept: a width on %p truncates the payload, and on %x/%X halves it.

import MQTTClient
import Reactor

/// A validated `-F` format.
struct OutputFormat: Sendable {
    let bytes: [UInt8]

    /// Validates `format` as Mosquitto's `check_format` does, with its messages.
    init(validating format: String) throws(CommandLineError) {
        let bytes = Array(format.utf8)
        var index = 0
        func incomplete() -> CommandLineError { .usage("Error: Incomplete format specifier.\n") }
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "%"):
                guard index < bytes.count - 1 else { throw incomplete() }
                if bytes[index + 1] == UInt8(ascii: "0") || bytes[index + 1] == UInt8(ascii: "-") {
                    index += 1
                    guard index < bytes.count - 1 else { throw incomplete() }
                }
                while index + 1 < bytes.count && Self.isDigit(bytes[index + 1]) {
                    index += 1
                    guard index < bytes.count - 1 else { throw incomplete() }
                }
                if index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: ".") {
                    index += 1
                    guard index < bytes.count - 1 else { throw incomplete() }
                    while index + 1 < bytes.count && Self.isDigit(bytes[index + 1]) {
                        index += 1
                        guard index < bytes.count - 1 else { throw incomplete() }
                    }
                }
                guard index + 1 < bytes.count, Self.specifiers.contains(bytes[index + 1]) else {
                    let character = index + 1 < bytes.count ? String(UnicodeScalar(bytes[index + 1])) : ""
                    throw .usage("Error: Invalid format specifier '\(character)'.\n")
                }
                index += 1
            case UInt8(ascii: "@"):
                guard index < bytes.count - 1 else { throw incomplete() }
                index += 1
            case UInt8(ascii: "\\"):
                guard index < bytes.count - 1 else { throw .usage("Error: Incomplete escape specifier.\n") }
                guard Self.escapes[bytes[index + 1]] != nil else {
                    throw .usage("Error: Invalid escape specifier '\(String(UnicodeScalar(bytes[index + 1])))'.\n")
                }
                index += 1
            default:
                break
            }
            index += 1
        }
        self.bytes = bytes
    }

    static let specifiers = Set("%ACDEFIJjlmPpqRrStUxX".utf8)
    static let escapes: [UInt8: UInt8] = [
        UInt8(ascii: "\\"): UInt8(ascii: "\\"), UInt8(ascii: "0"): 0, UInt8(ascii: "a"): 7, UInt8(ascii: "e"): 27,
        UInt8(ascii: "n"): 10, UInt8(ascii: "r"): 13, UInt8(ascii: "t"): 9, UInt8(ascii: "v"): 11,
    ]

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// Appends `message` formatted; problems (%J with a payload that is not JSON) go to `errors`.
    func render(_ message: ReceivedMessage, time: WallClockTime, into output: inout [UInt8], errors: inout [String]) {
        let count = bytes.count
        var index = 0
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                var spec = FieldSpec()
                if index < count - 1 {
                    index += 1
                    if bytes[index] == UInt8(ascii: "-") {
                        spec.leftAligned = true
                        if index < count - 1 { index += 1 }
                    }
                    if bytes[index] == UInt8(ascii: "0") {
                        spec.zeroPadded = true
                        if index < count - 1 { index += 1 }
                    }
                    while index < count - 1 && Self.isDigit(bytes[index]) {
                        spec.width = spec.width * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                        index += 1
                    }
                    if bytes[index] == UInt8(ascii: "."), index < count - 1 {
                        index += 1
                        spec.precision = 0
                        while index < count - 1 && Self.isDigit(bytes[index]) {
                            spec.precision! = spec.precision! * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                            index += 1
                        }
                    }
                    FieldRenderer(message: message, time: time, spec: spec).render(
                        bytes[index], into: &output, errors: &errors)
                }
            } else if byte == UInt8(ascii: "@") {
                if index < count - 1 {
                    index += 1
                    switch bytes[index] {
                    case UInt8(ascii: "@"): output.append(UInt8(ascii: "@"))
                    case UInt8(ascii: "N"): output += Array(zeroPadded(time.nanoseconds, digits: 9).utf8)
                    default: output += Array(time.formatted("%" + String(UnicodeScalar(bytes[index]))).utf8)
                    }
                }
            } else if byte == UInt8(ascii: "\\") {
                if index < count - 1 {
                    index += 1
                    if let escaped = Self.escapes[bytes[index]] { output.append(escaped) }
                }
            } else {
                output.append(byte)
            }
            index += 1
        }
    }
}

/// Flags, width and precision of one `%` field.
struct FieldSpec: Sendable {
    var leftAligned = false
    var zeroPadded = false
    var width = 0
    var precision: Int?
}

func zeroPadded(_ value: Int, digits: Int) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(0, digits - text.count)) + text
}

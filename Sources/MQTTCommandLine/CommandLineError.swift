/// How a command line failed, which decides what is printed and the exit status (Mosquitto's clients
/// exit 1 for all of these).
enum CommandLineError: Error, Sendable, Equatable {
    /// Invalid input: the message (ending in its own newlines, as Mosquitto prints it), then a hint
    /// to read `--help`.
    case usage(String)
    /// Invalid input reported without the hint.
    case invalid(String)
    /// `--help`: the usage text on standard output.
    case help
}

/// Walks the arguments; `value(for:)` takes the argument after a flag.
struct ArgumentCursor {
    let arguments: [String]
    private(set) var index = 0

    init(_ arguments: [String]) { self.arguments = arguments }

    /// The next flag, or nil at the end.
    mutating func next() -> String? {
        guard index < arguments.count else { return nil }
        defer { index += 1 }
        return arguments[index]
    }

    /// The argument after `flag`; Mosquitto's wording when there is none.
    mutating func value(for flag: String, naming what: String) throws(CommandLineError) -> String {
        guard index < arguments.count else {
            throw .usage("Error: \(flag) argument given but no \(what) specified.\n\n")
        }
        defer { index += 1 }
        return arguments[index]
    }

    /// The argument after `flag` as C's `atoi` reads it (leading digits, 0 if none), as Mosquitto
    /// parses numbers.
    mutating func integer(for flag: String, naming what: String) throws(CommandLineError) -> Int {
        atoi(try value(for: flag, naming: what))
    }
}

/// C's `atoi`: optional spaces and sign, then leading digits; 0 when there are none.
func atoi(_ text: String) -> Int {
    var scalars = Substring(text).drop { $0 == " " || $0 == "\t" }
    var sign = 1
    if let first = scalars.first, first == "-" || first == "+" {
        if first == "-" { sign = -1 }
        scalars = scalars.dropFirst()
    }
    var value = 0
    for character in scalars {
        guard let digit = character.wholeNumberValue, character.isASCII else { break }
        value = value &* 10 &+ digit
        if value > Int(Int32.max) { return sign > 0 ? Int(Int32.max) : Int(Int32.min) }
    }
    return sign * value
}

/// Prints a command-line failure as Mosquitto's clients do and returns the exit status.
enum CommandLineFailure {
    static func report(_ error: CommandLineError, tool: Tool) -> Int32 {
        switch error {
        case .usage(let message):
            Terminal.standardError(message + "\nUse '\(tool.rawValue) --help' to see usage.\n")
        case .invalid(let message):
            Terminal.standardError(message)
        case .help:
            Terminal.standardOutput(tool == .pub ? Usage.pub : Usage.sub)  // and exits 1, as Mosquitto's do
        }
        return 1
    }
}

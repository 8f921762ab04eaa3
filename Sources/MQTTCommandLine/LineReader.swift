import Foundation

/// Lines of standard input as bytes, split at '\n' only (a '\r' stays, as with mosquitto_pub -l); a
/// last line without a newline still counts.
struct LineReader {
    private var buffer: [UInt8] = []
    private var start = 0
    private var endOfInput = false

    /// The next line and every further whole line already read, up to `maximum`; nil at the end.
    mutating func nextBatch(maximum: Int) -> [[UInt8]]? {
        guard let first = next() else { return nil }
        var lines = [first]
        while lines.count < maximum, let newline = buffer[start...].firstIndex(of: 10) {
            lines.append(Array(buffer[start..<newline]))
            start = newline + 1
        }
        return lines
    }

    /// The next line; blocks until one is complete or the input ends.
    mutating func next() -> [UInt8]? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 10) {
                defer { start = newline + 1 }
                return Array(buffer[start..<newline])
            }
            if endOfInput {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return Array(buffer[start...])
            }
            buffer.removeFirst(start)
            start = 0
            let data = FileHandle.standardInput.availableData
            if data.isEmpty { endOfInput = true } else { buffer += data }
        }
    }
}

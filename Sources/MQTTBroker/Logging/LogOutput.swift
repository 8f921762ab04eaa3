// The log file is opened (open(2)) and lines are written (write(2)) here, outside Reactor: the
// accepted exception to "only Reactor makes syscalls" (DESIGN.md), because logging must work
// before any loop exists and from every loop at once. Each line, newline included, goes out in a
// single write(2), so lines from several threads never interleave (an O_APPEND write is atomic on
// a regular file, as is a write of up to PIPE_BUF bytes on a pipe).

import Glibc
import Synchronization

/// Somewhere log lines go. `BrokerLog` writes standard error, standard output and the log file
/// itself; the broker adds an output for `log_dest topic`, tests add one to capture lines.
/// Called from every event loop: implementations must be safe to call concurrently.
public protocol LogOutput: Sendable {
    /// Receives one line that passed the filter: timestamp prefix and message, without a newline.
    func write(line: String, type: LogType)
}

/// Why the log file cannot be opened.
public struct LogFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public let path: String
    /// The `errno` of the failed open(2).
    public let errorNumber: Int32

    /// Mosquitto's message, with the reason: `Error: Unable to open log file PATH for writing: ...`.
    public var description: String {
        "Error: Unable to open log file \(path) for writing: \(String(cString: strerror(errorNumber)))."
    }
}

/// Standard output or standard error, which belong to the process and are never closed.
struct StandardStreamOutput: LogOutput {
    static let standardOutput = StandardStreamOutput(descriptor: STDOUT_FILENO)
    static let standardError = StandardStreamOutput(descriptor: STDERR_FILENO)

    let descriptor: Int32

    func write(line: String, type: LogType) {
        writeLine(line, to: descriptor)
    }
}

/// `log_dest file PATH`: appended to, created if missing, reopened on request (after log rotation).
final class FileOutput: LogOutput {
    let path: String
    /// Held while writing, so that a reopen never closes a descriptor a write is using.
    private let descriptor: Mutex<Int32>

    init(path: String) throws(LogFileError) {
        self.path = path
        descriptor = Mutex(try Self.open(path))
    }

    deinit {
        descriptor.withLock { _ = close($0) }
    }

    func write(line: String, type: LogType) {
        descriptor.withLock { writeLine(line, to: $0) }
    }

    /// Opens the path again and writes there from now on (Mosquitto does this on SIGHUP).
    func reopen() throws(LogFileError) {
        let fresh = try Self.open(path)
        descriptor.withLock { current in
            _ = close(current)
            current = fresh
        }
    }

    private static func open(_ path: String) throws(LogFileError) -> Int32 {
        let descriptor = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw LogFileError(path: path, errorNumber: errno) }
        return descriptor
    }
}

/// Writes `line` and a newline with one write(2), retrying only after a signal or a short write.
/// A line that cannot be written is dropped: logging never stops the broker.
private func writeLine(_ line: String, to descriptor: Int32) {
    var line = line
    line.append("\n")
    line.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }
}

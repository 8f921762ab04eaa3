// Standard output and error for the command-line tools. Writes are whole (one call per message or
// line) and serialised, so debug lines from the client's loop thread never split a message line.

import Foundation
import Synchronization

/// The process's standard output and error.
final class Terminal: Sendable {
    private let lock = Mutex(())
    /// `--quiet`: runtime errors are not printed (usage errors still are).
    let quiet: Bool

    init(quiet: Bool) { self.quiet = quiet }

    func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        lock.withLock { _ in FileHandle.standardOutput.write(Data(bytes)) }
    }

    func print(_ line: String) {
        write(Array((line + "\n").utf8))
    }

    /// A runtime error, unless `--quiet`.
    func error(_ text: String) {
        guard !quiet else { return }
        Terminal.standardError(text)
    }

    /// Writes to standard output (usage text).
    static func standardOutput(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Writes to standard error whatever `--quiet` says (usage errors).
    static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

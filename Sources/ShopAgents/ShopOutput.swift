// Where the runners' lines go: standard output for reports, standard error for dead letters and
// errors. Tests pass their own sink to collect the lines instead.

import Foundation
import Synchronization

/// A sink for the lines the runners print; safe from any task.
public struct ShopOutput: Sendable {
    /// A report (`[PACKAGING] packaged order …`, a customer's settled order, the summary).
    public let report: @Sendable (String) -> Void
    /// A dead letter's log line or an error.
    public let error: @Sendable (String) -> Void

    public init(report: @escaping @Sendable (String) -> Void, error: @escaping @Sendable (String) -> Void) {
        self.report = report
        self.error = error
    }

    /// The process's standard output and error, one whole write per line so lines from the
    /// agents of `shop demo` never interleave.
    public static let standard: ShopOutput = {
        let lock = Mutex(())
        return ShopOutput(
            report: { line in lock.withLock { _ in FileHandle.standardOutput.write(Data((line + "\n").utf8)) } },
            error: { line in lock.withLock { _ in FileHandle.standardError.write(Data((line + "\n").utf8)) } })
    }()

    /// Drops every line.
    public static let silent = ShopOutput(report: { _ in }, error: { _ in })
}

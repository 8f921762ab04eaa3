// SIGINT and SIGTERM for the command-line tools and agents built on the client: blocked before any
// thread starts and read from a signalfd on a thread of their own (only Reactor touches the
// system), so a tool can disconnect cleanly instead of dying mid-write.

import Foundation
import Reactor
import Synchronization

/// Termination signals for processes that host clients.
public enum ProcessSignals {
    /// Blocks the signals; call first thing on the main thread.
    public static func block() {
        SignalReader.blockSignals()
    }

    /// The first SIGINT or SIGTERM, as an async sequence of at most one element (empty if signals
    /// cannot be read).
    public static func first() -> AsyncStream<Int32> {
        let (stream, continuation) = AsyncStream<Int32>.makeStream(bufferingPolicy: .bufferingNewest(1))
        do {
            let reader = try SignalReader()
            let poller = try Poller(maximumEventsPerWait: 1)
            try poller.register(reader, token: 0, interest: .readable)
            let box = PollerBox(poller: poller)
            _ = LoopThread(name: "signals") {
                while (try? box.poller.wait(timeoutMilliseconds: -1)) != nil {
                    if let signal = reader.next(), signal != SignalReader.hangUp {
                        continuation.yield(signal)
                        break
                    }
                }
                continuation.finish()
            }
        } catch {
            continuation.finish()
        }
        return stream
    }
}

/// Hands the poller to the watcher thread, which alone uses it.
private struct PollerBox: @unchecked Sendable {
    let poller: Poller
}

/// Runs `body` on the global executor while the calling (main) thread waits, and returns its result.
public func runBlocking(_ body: @escaping @Sendable () async -> Int32) -> Int32 {
    let status = Mutex<Int32>(1)
    let done = DispatchSemaphore(value: 0)
    Task {
        let result = await body()
        status.withLock { $0 = result }
        done.signal()
    }
    done.wait()
    return status.withLock { $0 }
}

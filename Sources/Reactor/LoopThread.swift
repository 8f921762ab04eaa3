import CSystem
import Glibc

/// A plain OS thread for an event loop (no Dispatch: a loop blocks in epoll_wait for its whole life).
public final class LoopThread: @unchecked Sendable {
    private var thread: pthread_t
    private let name: String

    private final class Start {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Starts `body` on a new thread named `name` (shown by `top -H`, 15 characters at most).
    public init(name: String, _ body: @escaping @Sendable () -> Void) {
        self.name = name
        let threadName = String(name.prefix(15))
        let start = Unmanaged.passRetained(Start {
            _ = starling_set_thread_name(threadName)
            body()
        }).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { argument in
            let start = Unmanaged<Start>.fromOpaque(argument!).takeRetainedValue()
            start.body()
            return nil
        }, start)
        precondition(result == 0, "pthread_create failed: \(result)")
        self.thread = thread
    }

    /// Waits for the thread to finish.
    public func join() {
        pthread_join(thread, nil)
    }
}

/// The number of processors this process may run on.
public func availableProcessorCount() -> Int {
    let count = Int(starling_available_cpus())
    return count > 0 ? count : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}

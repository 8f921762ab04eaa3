import Dispatch

/// Runs `body`, which blocks on sockets for seconds, on a Dispatch thread and awaits its result.
/// A synchronous test holds one of Swift's cooperative threads while it waits (two on a 2-core
/// machine), and every async test in the run stalls behind two such tests. Keep `#expect` out of
/// `body`: return what the test checks.
public func offCooperativePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}

import Synchronization

/// The outcome of `Client.enqueue(_:)`: await `completion()` to learn when every message's QoS
/// handshake is done, or the first failure.
public final class PublishReceipt: Sendable {
    private struct State: Sendable {
        var result: Result<Completion, ClientError>?
        var waiters: [CheckedContinuation<Result<Completion, ClientError>, Never>] = []
    }

    private let state = Mutex(State())

    init() {}

    /// Returns when the messages are published (QoS 0 queued, QoS 1 PUBACK, QoS 2 PUBCOMP).
    public func completion() async throws(ClientError) {
        let result = await withCheckedContinuation { continuation in
            let known = state.withLock { state -> Result<Completion, ClientError>? in
                if state.result == nil { state.waiters.append(continuation) }
                return state.result
            }
            if let known { continuation.resume(returning: known) }
        }
        _ = try result.get()
    }

    /// Whether the outcome is known.
    public var isComplete: Bool { state.withLock { $0.result != nil } }

    func complete(_ result: Result<Completion, ClientError>) {
        let waiters = state.withLock { state in
            state.result = result
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: result) }
    }
}

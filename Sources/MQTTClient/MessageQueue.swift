// The hand-over between the client's loop thread (producer) and one async consumer: a mutex-protected
// array the loop appends to once per pass and the consumer swaps out whole, so both sides pay one lock
// per batch rather than per message.
//
// Backpressure: nothing is dropped. When the buffer reaches its high-water mark `append` says so and
// the loop stops reading the connection's socket (TCP then pushes back on the broker); once the
// consumer takes the batch, `onDrained` asks the loop to read again.

import Synchronization

/// The buffer behind one `MessageStream`.
final class MessageQueue: Sendable {
    enum Outcome: Sendable {
        case messages([ReceivedMessage])
        case finished(ClientError?)
    }

    private struct State: Sendable {
        var buffer: [ReceivedMessage] = []
        var waiter: CheckedContinuation<Void, Never>?
        var end: ClientError??
        var producerPaused = false
        var cancelled = false
    }

    private let state = Mutex(State())
    let highWaterMark: Int
    private let onDrained: @Sendable () -> Void
    private let onHandled: @Sendable (HandlingTicket) -> Void
    private let onCancelled: @Sendable () -> Void

    /// `onCancelled` runs once, when the consuming task is cancelled: the stream is over then,
    /// even if the `MessageStream` itself is still referenced.
    init(
        highWaterMark: Int, onDrained: @escaping @Sendable () -> Void,
        onHandled: @escaping @Sendable (HandlingTicket) -> Void = { _ in },
        onCancelled: @escaping @Sendable () -> Void = {}
    ) {
        self.highWaterMark = max(1, highWaterMark)
        self.onDrained = onDrained
        self.onHandled = onHandled
        self.onCancelled = onCancelled
    }

    /// The consumer moved past a message held for `InboundAcknowledgement.afterHandling`.
    func handled(_ ticket: HandlingTicket) {
        onHandled(ticket)
    }

    // MARK: Producer (loop thread)

    /// Appends a batch; returns true when the buffer is at or above the high-water mark and the
    /// producer must pause until `onDrained` is called.
    func append(_ batch: [ReceivedMessage]) -> Bool {
        let (waiter, pause) = state.withLock { state -> (CheckedContinuation<Void, Never>?, Bool) in
            guard state.end == nil else { return (nil, false) }
            state.buffer.append(contentsOf: batch)
            let waiter = state.waiter
            state.waiter = nil
            if state.buffer.count >= highWaterMark { state.producerPaused = true }
            return (waiter, state.producerPaused)
        }
        waiter?.resume()
        return pause
    }

    /// Ends the stream once the buffered messages are consumed: normally (nil) or with an error.
    func finish(_ error: ClientError?) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.end == nil { state.end = .some(error) }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Whether the producer paused for this queue and the consumer has not caught up yet.
    var isHoldingProducer: Bool { state.withLock { $0.producerPaused } }

    // MARK: Consumer

    /// The next batch, or the end. Returns `.finished(nil)` when the calling task is cancelled.
    func take() async -> Outcome {
        while true {
            let (outcome, drained) = state.withLock { state -> (Outcome?, Bool) in
                if state.cancelled { return (.finished(nil), false) }
                if !state.buffer.isEmpty {
                    var batch: [ReceivedMessage] = []
                    swap(&batch, &state.buffer)
                    let drained = state.producerPaused
                    state.producerPaused = false
                    return (.messages(batch), drained)
                }
                if let end = state.end { return (.finished(end), false) }
                return (nil, false)
            }
            if drained { onDrained() }
            if let outcome { return outcome }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let ready = state.withLock { state -> Bool in
                        if state.cancelled || !state.buffer.isEmpty || state.end != nil { return true }
                        state.waiter = continuation
                        return false
                    }
                    if ready { continuation.resume() }
                }
            } onCancel: {
                let (waiter, first) = state.withLock { state -> (CheckedContinuation<Void, Never>?, Bool) in
                    let first = !state.cancelled
                    state.cancelled = true
                    defer { state.waiter = nil }
                    return (state.waiter, first)
                }
                waiter?.resume()
                if first { onCancelled() }
            }
        }
    }
}

import MQTTCodec
import Reactor
import Synchronization

/// Who learns the outcome of an operation: a caller suspended on it, or a `PublishReceipt`.
enum Waiter: Sendable {
    case continuation(CheckedContinuation<Result<Completion, ClientError>, Never>)
    case receipt(PublishReceipt)

    /// Delivers the outcome; called exactly once.
    func resume(returning result: Result<Completion, ClientError>) {
        switch self {
        case .continuation(let continuation): continuation.resume(returning: result)
        case .receipt(let receipt): receipt.complete(result)
        }
    }
}

/// Work the API posts to a client loop; every case names the client by its handle.
enum ClientCommand: Sendable {
    case open(handle: UInt64, session: ClientSession, options: ClientOptions)
    case connect(handle: UInt64, addresses: [SocketAddress], waiter: Waiter)
    /// Publishes in order; the waiter is answered when every message's handshake is done.
    case publish(handle: UInt64, messages: [OutgoingMessage], waiter: Waiter)
    case subscribe(handle: UInt64, stream: StreamRegistration, waiter: Waiter?)
    case unsubscribe(handle: UInt64, filters: [TopicFilter], waiter: Waiter)
    case streamEnded(handle: UInt64, stream: UInt64)
    case resumeReading(handle: UInt64)
    /// A stream's consumer moved past a message held for `InboundAcknowledgement.afterHandling`.
    case messageHandled(handle: UInt64, stream: UInt64, ticket: HandlingTicket)
    case disconnect(handle: UInt64, waiter: Waiter)
    /// The `Client` was released: disconnect and free its slot.
    case close(handle: UInt64)
    /// Shuts the whole loop down (tests and process exit).
    case stop
}

extension ClientCommand {
    /// Fails whoever waits on a command the loop will never run (it has stopped).
    func abandon() {
        switch self {
        case .connect(_, _, let waiter), .publish(_, _, let waiter), .unsubscribe(_, _, let waiter),
            .disconnect(_, let waiter):
            waiter.resume(returning: .failure(.disconnected))
        case .subscribe(_, let stream, let waiter):
            stream.queue.finish(.disconnected)
            waiter?.resume(returning: .failure(.disconnected))
        case .open, .streamEnded, .resumeReading, .messageHandled, .close, .stop:
            break
        }
    }
}

/// What the loop needs to feed a new stream.
struct StreamRegistration: Sendable {
    let id: UInt64
    let requests: [Subscribe.Request]
    let queue: MessageQueue
    let token: StreamToken
}

/// Shared by a stream and its iterator; when both are gone, the loop is told the consumer stopped.
final class StreamToken: Sendable {
    let id: UInt64
    private let codes = Mutex<[SubAckReturnCode]?>(nil)
    private let onRelease: @Sendable () -> Void

    init(id: UInt64, onRelease: @escaping @Sendable () -> Void) {
        self.id = id
        self.onRelease = onRelease
    }

    deinit { onRelease() }

    /// The SUBACK return codes, once they arrived.
    var returnCodes: [SubAckReturnCode]? {
        get { codes.withLock { $0 } }
        set { codes.withLock { $0 = newValue } }
    }
}

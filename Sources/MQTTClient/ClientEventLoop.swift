// The thread client connections run on. One loop is shared by every client of a process by default,
// so a process hosting many clients does not start a thread per connection; tests may run their own.

import Reactor
import Synchronization

/// A Reactor loop thread hosting client connections.
public final class ClientEventLoop: Sendable {
    let mailbox: Mailbox<ClientCommand>
    /// Open until the loop has stopped; closing it and draining the mailbox happen under its lock,
    /// so no command is left behind with a caller waiting on it.
    private let gate: Gate
    private let thread: Mutex<LoopThread?>
    private let nextHandle = Atomic<UInt64>(1)

    /// Starts a loop on a new thread.
    public init(name: String = "starling-client") throws(SystemError) {
        let mailbox = try Mailbox<ClientCommand>()
        self.mailbox = mailbox
        let poller = try Poller()
        let transfer = PollerTransfer(poller: poller)
        let gate = Gate()
        self.gate = gate
        thread = Mutex(
            LoopThread(name: name) {
                var handler = ClientLoop(poller: transfer.poller, mailbox: mailbox)
                do throws(SystemError) {
                    try runEventLoop(&handler, poller: transfer.poller, wakeUp: mailbox.wakeUp)
                } catch {
                    handler.failAll(.network(error))
                }
                gate.isOpen.withLock { isOpen in
                    isOpen = false
                    var left: [ClientCommand] = []
                    mailbox.take(into: &left)
                    for command in left { command.abandon() }
                }
            })
    }

    /// The loop shared by all clients of this process, started on first use.
    public static func shared() throws(ClientError) -> ClientEventLoop {
        switch sharedLoop {
        case .success(let loop): return loop
        case .failure(let error): throw .network(error)
        }
    }

    private static let sharedLoop: Result<ClientEventLoop, SystemError> = Result { () throws(SystemError) in
        try ClientEventLoop()
    }

    /// Disconnects every client on this loop and waits for its thread to end. The loop cannot be used
    /// afterwards.
    public func shutdown() {
        mailbox.post(.stop)
        let running = thread.withLock { thread in
            defer { thread = nil }
            return thread
        }
        running?.join()
    }

    /// Hands `command` to the loop; once the loop has stopped, fails it at once instead.
    func post(_ command: ClientCommand) {
        let posted = gate.isOpen.withLock { isOpen in
            if isOpen { mailbox.post(command) }
            return isOpen
        }
        if !posted { command.abandon() }
    }

    /// A number unique on this loop, naming a client or a stream.
    func makeHandle() -> UInt64 { nextHandle.wrappingAdd(1, ordering: .relaxed).oldValue }
}

/// Whether the loop still takes commands.
private final class Gate: Sendable {
    let isOpen = Mutex(true)
}

/// Moves the poller to the loop thread, which owns it alone from then on.
private struct PollerTransfer: @unchecked Sendable {
    let poller: Poller
}

// Starts the broker: binds every listener once (so a taken port fails at start, like Mosquitto),
// then runs one loop per thread. Every loop watches every listener with EPOLLEXCLUSIVE, so the
// kernel wakes one loop per incoming connection; after CONNECT a connection moves to the loop that
// owns its client id.

import MQTTCodec
import Reactor
import Synchronization

/// An address and port to listen on.
public struct ListenAddress: Sendable, Hashable {
    public var host: String
    public var port: UInt16
    /// A listener the broker runs without if it cannot be bound (`::` or `::1` on a host without IPv6).
    public var isOptional: Bool
    /// `max_connections`: clients this listener holds at once; nil means no limit.
    public var maximumConnections: Int?

    public init(host: String, port: UInt16, isOptional: Bool = false, maximumConnections: Int? = nil) {
        self.host = host
        self.port = port
        self.isOptional = isOptional
        self.maximumConnections = maximumConnections
    }
}

/// How to run a broker.
public struct BrokerServerOptions: Sendable {
    public var listeners: [ListenAddress]
    public var threads: Int
    public var limits = BrokerLimits()
    /// Seconds between `$SYS` updates; 0 turns them off.
    public var sysInterval = 10
    public var log = BrokerLog.disabled
    /// Read SIGINT/SIGTERM/SIGHUP from a signalfd (the executable); the caller must have blocked them.
    public var handlesSignals = false

    public init(listeners: [ListenAddress], threads: Int = availableProcessorCount()) {
        self.listeners = listeners
        self.threads = max(1, threads)
    }
}

/// A running broker.
public final class BrokerServer: Sendable {
    public let context: BrokerContext
    /// The bound addresses, with real ports where 0 was asked for.
    public let boundAddresses: [SocketAddress]
    /// Optional listeners that could not be bound, and why.
    public let skippedListeners: [(ListenAddress, SystemError)]
    private let listeners: [TCPListener]
    private let listenerLimits: [ListenerLimit]
    private let mailboxes: [Mailbox<LoopJob>]
    private let threads = Mutex<[LoopThread]>([])
    private let options: BrokerServerOptions

    /// Binds the listeners; nothing runs until `start()`.
    public init(options: BrokerServerOptions) throws(SystemError) {
        self.options = options
        context = BrokerContext(limits: options.limits, shardCount: options.threads)
        var listeners: [TCPListener] = []
        var limits: [ListenerLimit] = []
        var skipped: [(ListenAddress, SystemError)] = []
        for address in options.listeners {
            do {
                listeners.append(try TCPListener.bind(host: address.host, port: address.port))
                limits.append(ListenerLimit(maximum: address.maximumConnections))
            } catch where address.isOptional {
                skipped.append((address, error))
            } catch {
                for listener in listeners { listener.close() }
                throw error
            }
        }
        self.listeners = listeners
        self.listenerLimits = limits
        self.skippedListeners = skipped
        boundAddresses = listeners.map(\.localAddress)
        var mailboxes: [Mailbox<LoopJob>] = []
        for _ in 0..<options.threads { mailboxes.append(try Mailbox<LoopJob>()) }
        self.mailboxes = mailboxes
    }

    /// Starts one loop per thread.
    public func start() throws(SystemError) {
        var started: [LoopThread] = []
        for index in 0..<options.threads {
            let poller = try Poller()
            let signals = index == 0 && options.handlesSignals ? try SignalReader() : nil
            let systemTopics =
                index == 0 && options.sysInterval > 0
                ? SystemTopicPublisher(context: context, intervalSeconds: options.sysInterval, now: .now()) : nil
            let loop = try BrokerLoop(
                index: index, context: context, poller: poller, mailboxes: mailboxes, listeners: listeners,
                listenerLimits: listenerLimits,
                signals: signals, log: options.log, systemTopics: systemTopics)
            let log = options.log
            let box = UncheckedTransfer(loop)
            started.append(LoopThread(name: "starling-\(index)") {
                var loop = box.value
                do {
                    try runEventLoop(&loop, poller: loop.poller, wakeUp: loop.mailboxes[index].wakeUp)
                } catch {
                    log.log(.error, "Loop \(index) stopped: \(error).")
                }
            })
        }
        threads.withLock { $0 = started }
    }

    /// Asks every loop to close its connections and stop; safe from any thread.
    public func stop() {
        for mailbox in mailboxes { mailbox.post(.stop) }
    }

    /// Waits until every loop has stopped, then closes the listeners.
    public func waitUntilStopped() {
        let running = threads.withLock { threads in
            defer { threads = [] }
            return threads
        }
        for thread in running { thread.join() }
        for listener in listeners { listener.close() }
    }
}

/// Moves a loop to the thread that will own it alone from then on.
private struct UncheckedTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// How many connections one listener holds, against its `max_connections`. Shared by every loop.
final class ListenerLimit: Sendable {
    let maximum: Int?
    private let current = Atomic<Int>(0)

    init(maximum: Int?) {
        self.maximum = maximum.flatMap { $0 > 0 ? $0 : nil }
    }

    /// Takes a place for a new connection; false when the listener is full.
    func admit() -> Bool {
        guard let maximum else {
            current.add(1, ordering: .relaxed)
            return true
        }
        while true {
            let now = current.load(ordering: .relaxed)
            guard now < maximum else { return false }
            if current.compareExchange(expected: now, desired: now + 1, ordering: .relaxed).exchanged { return true }
        }
    }

    func release() {
        current.subtract(1, ordering: .relaxed)
    }
}

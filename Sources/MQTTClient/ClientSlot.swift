import MQTTCodec
import Reactor

/// One client as its loop keeps it: protocol state, socket, buffers, waiting callers and streams.
struct ClientSlot {
    let handle: UInt64
    /// Changes with every socket, so an event for a closed one is recognised and dropped.
    var epoch: UInt32
    var session: ClientSession
    let options: ClientOptions
    /// The broker's addresses, tried in turn by every connection attempt.
    var addresses: [SocketAddress] = []
    /// The address the current attempt uses.
    var addressIndex = 0
    var socket: Socket?
    /// A TCP connect is in progress (waiting for writability).
    var isConnecting = false
    var writeArmed = false
    /// A stream is at its high-water mark: the socket is not read.
    var isTouched = false
    var input = ByteBuffer(capacity: 0)
    var output = ByteBuffer(capacity: 0)
    var nextRequest: UInt64 = 1
    var waiters: [UInt64: Waiter] = [:]
    /// Multi-message publishes still waiting for some of their messages, by request number.
    var batches: [UInt64: PublishBatch] = [:]
    /// Requests that are a stream's SUBSCRIBE, by request number, to the stream id.
    var streamRequests: [UInt64: UInt64] = [:]
    var streams: [StreamSlot] = []
    var scheduledDeadline: Instant?

    init(handle: UInt64, epoch: UInt32, session: ClientSession, options: ClientOptions) {
        self.handle = handle
        self.epoch = epoch
        self.session = session
        self.options = options
    }

    mutating func register(_ waiter: Waiter?) -> RequestID {
        let number = nextRequest
        nextRequest += 1
        if let waiter { waiters[number] = waiter }
        return RequestID(number)
    }

    /// The epoll interest this connection needs now.
    var interest: Interest {
        if isConnecting { return .writable }
        var interest: Interest = session.readingPaused ? [] : .readable
        if writeArmed { interest.formUnion(.writable) }
        return interest
    }
}

/// A subscription stream as the loop feeds it.
struct StreamSlot {
    let id: UInt64
    let filters: [TopicFilter]
    let queue: MessageQueue
    /// Weak: the consumer's release of the token is what ends the stream.
    weak var token: StreamToken?
    /// Messages delivered during this pass, handed to the queue in one batch at its end.
    var pending: [ReceivedMessage] = []
    /// Messages given to this stream whose acknowledgement waits for its consumer to move on.
    var handling: Set<HandlingTicket> = []
    var acknowledgementWaiter: Waiter?
    /// What the messages' topics match: a shared subscription's messages carry the topic of its
    /// inner filter, `$share/<group>/<filter>` delivering on `<filter>`.
    private let deliveryFilters: [TopicFilter]

    init(
        id: UInt64, filters: [TopicFilter], queue: MessageQueue, token: StreamToken?, acknowledgementWaiter: Waiter?
    ) {
        self.id = id
        self.filters = filters
        self.queue = queue
        self.token = token
        self.acknowledgementWaiter = acknowledgementWaiter
        deliveryFilters = filters.map(Self.deliveryFilter)
    }

    func matches(_ topic: TopicName) -> Bool {
        deliveryFilters.contains { $0.matches(topic) }
    }

    /// The filter a shared subscription's messages match; the filter itself for any other.
    static func deliveryFilter(_ filter: TopicFilter) -> TopicFilter {
        let levels = filter.string.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        guard levels.count == 3, levels[0] == "$share", !levels[1].isEmpty,
            let inner = try? TopicFilter(String(levels[2]))
        else { return filter }
        return inner
    }
}

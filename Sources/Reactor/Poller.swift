import CSystem
import Glibc

/// What a registration wants to hear about.
public struct Interest: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let readable = Interest(rawValue: EPOLLIN.rawValue | EPOLLRDHUP.rawValue)
    public static let writable = Interest(rawValue: EPOLLOUT.rawValue)
    /// Readable, reported once per change (EPOLLET): for a loop's eventfd wake-up, never read.
    static let edgeTriggeredReadable = Interest(rawValue: EPOLLIN.rawValue | EPOLLET.rawValue)
    /// For a listener several loops watch: readable, waking only one of the loops per connection
    /// (EPOLLEXCLUSIVE accepts no other flags beside EPOLLIN).
    public static let exclusiveAccept = Interest(rawValue: EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue)
}

/// What happened to a registration.
public struct ReadyEvents: Sendable {
    let raw: UInt32

    /// Readable, or closed/errored (a read then reports end of file or the error).
    public var isReadable: Bool { raw & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 }
    public var isWritable: Bool { raw & (EPOLLOUT.rawValue | EPOLLERR.rawValue) != 0 }
}

/// Anything with a descriptor that a `Poller` can watch. The descriptor itself stays inside Reactor.
public protocol Pollable {
    var descriptor: Descriptor { get }
}

/// An opaque file descriptor.
public struct Descriptor: Sendable, Hashable {
    let fd: Int32
}

extension Socket: Pollable { public var descriptor: Descriptor { Descriptor(fd: fd) } }
extension TCPListener: Pollable { public var descriptor: Descriptor { Descriptor(fd: fd) } }

/// Level-triggered epoll. Owned by one loop thread. Each registration carries a 64-bit token chosen
/// by the owner (slot and generation), so a stale event for a reused descriptor can be recognised.
public final class Poller {
    let epfd: Int32
    let events: UnsafeMutablePointer<epoll_event>
    let capacity: Int

    public init(maximumEventsPerWait: Int = 512) throws(SystemError) {
        epfd = try blockingSyscall("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
        capacity = maximumEventsPerWait
        events = .allocate(capacity: maximumEventsPerWait)
    }

    deinit {
        events.deallocate()
        close(epfd)
    }

    public func register(_ target: some Pollable, token: UInt64, interest: Interest) throws(SystemError) {
        let fd = target.descriptor.fd
        _ = try blockingSyscall("epoll_ctl(ADD)") { starling_epoll_ctl(epfd, EPOLL_CTL_ADD, fd, interest.rawValue, token) }
    }

    public func modify(_ target: some Pollable, token: UInt64, interest: Interest) throws(SystemError) {
        let fd = target.descriptor.fd
        _ = try blockingSyscall("epoll_ctl(MOD)") { starling_epoll_ctl(epfd, EPOLL_CTL_MOD, fd, interest.rawValue, token) }
    }

    /// Stops watching `target`. Closing a descriptor also removes it; this is for hand-overs.
    public func unregister(_ target: some Pollable) {
        _ = starling_epoll_ctl(epfd, EPOLL_CTL_DEL, target.descriptor.fd, 0, 0)
    }

    /// Waits for events; -1 waits forever. Returns how many are ready (read them with `event(at:)`).
    public func wait(timeoutMilliseconds: Int32) throws(SystemError) -> Int {
        let result = try syscall("epoll_wait") { epoll_wait(epfd, events, Int32(capacity), timeoutMilliseconds) }
        switch result {
        case .done(let count): return Int(count)
        case .wouldBlock: return 0
        }
    }

    public func event(at index: Int) -> (token: UInt64, events: ReadyEvents) {
        let pointer = events + index
        return (starling_epoll_event_data(pointer), ReadyEvents(raw: starling_epoll_event_events(pointer)))
    }
}

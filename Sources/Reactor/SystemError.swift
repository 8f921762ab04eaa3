import CSystem
import Glibc

/// A failed system call: which call and the errno it returned. The one error type of the Reactor.
public struct SystemError: Error, Sendable, Hashable {
    /// The name of the system call that failed.
    public let call: String
    public let errno: Int32

    init(_ call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    /// Whether the peer went away (reset, broken pipe), as opposed to a local fault.
    public var isPeerGone: Bool { errno == ECONNRESET || errno == EPIPE || errno == ETIMEDOUT }

    /// Whether the process or system ran out of file descriptors.
    public var isOutOfDescriptors: Bool { errno == EMFILE || errno == ENFILE }

    /// The system's wording for the errno alone, e.g. "Connection refused" (`strerror`).
    public var reason: String { String(cString: strerror(errno)) }

    /// Whether the address or port is already taken.
    public var isAddressInUse: Bool { errno == EADDRINUSE }
}

extension SystemError: CustomStringConvertible {
    public var description: String { "\(call) failed: \(reason) (errno \(errno))" }
}

/// What a non-blocking call achieved.
public enum IOResult<Value> {
    case done(Value)
    /// The call would have blocked (EAGAIN/EWOULDBLOCK); try again when the fd is ready.
    case wouldBlock
}

/// Runs a system call returning -1 on failure: retries EINTR, maps EAGAIN to `.wouldBlock`, traps on
/// EBADF and EFAULT (those are our bugs, not the world's), and throws the rest naming the call.
@inline(__always)
func syscall<T: FixedWidthInteger>(_ name: StaticString, _ body: () -> T) throws(SystemError) -> IOResult<T> {
    while true {
        let result = body()
        if result >= 0 { return .done(result) }
        let code = starling_errno()
        switch code {
        case EINTR: continue
        case EAGAIN, EWOULDBLOCK: return .wouldBlock
        case EBADF, EFAULT: preconditionFailure("\(name) called with a bad descriptor or address (errno \(code))")
        default: throw SystemError("\(name)", errno: code)
        }
    }
}

/// `syscall` for calls that cannot block.
@inline(__always)
func blockingSyscall<T: FixedWidthInteger>(_ name: StaticString, _ body: () -> T) throws(SystemError) -> T {
    switch try syscall(name, body) {
    case .done(let value): return value
    case .wouldBlock: throw SystemError("\(name)", errno: EAGAIN)
    }
}

import CSystem
import Glibc

/// Termination and reload signals, read from a signalfd inside a loop. `blockSignals` must run on
/// the main thread before any other thread starts, so no thread receives them asynchronously.
public struct SignalReader: Sendable, Pollable {
    let fd: Int32

    /// The signals Starling handles: SIGINT, SIGTERM, SIGHUP (and SIGPIPE, ignored).
    public static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Blocks the handled signals for this thread and all threads it starts later, and ignores SIGPIPE.
    /// The handled signals get their default disposition back first: a process started in the
    /// background by a shell inherits SIGINT ignored, and an ignored signal never reaches a signalfd.
    public static func blockSignals() {
        for signal in handled { Glibc.signal(signal, SIG_DFL) }
        var set = sigset_t()
        sigemptyset(&set)
        for signal in handled { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        Glibc.signal(SIGPIPE, SIG_IGN)
    }

    public init() throws(SystemError) {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in Self.handled { sigaddset(&set, signal) }
        fd = try blockingSyscall("signalfd") { signalfd(-1, &set, Int32(SFD_NONBLOCK) | Int32(SFD_CLOEXEC)) }
    }

    public var descriptor: Descriptor { Descriptor(fd: fd) }

    /// The next pending signal number, or nil.
    public func next() -> Int32? {
        var info = signalfd_siginfo()
        let count = Glibc.read(fd, &info, MemoryLayout<signalfd_siginfo>.size)
        return count == MemoryLayout<signalfd_siginfo>.size ? Int32(info.ssi_signo) : nil
    }

    public static let interrupt = SIGINT
    public static let terminate = SIGTERM
    public static let hangUp = SIGHUP
}

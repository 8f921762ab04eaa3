// Starting and stopping helper processes (end-to-end tests start real brokers). posix_spawn with an
// explicit signal mask: a thread of Dispatch's pool blocks every signal, and a child spawned from it
// would inherit that mask and never see the SIGTERM meant to stop it.

import CSystem
import Glibc

/// A process started by this one, identified by its PID.
public struct ChildProcess: Sendable, Hashable {
    public let pid: Int32

    /// Starts `path` with `arguments`, standard input, output and error on /dev/null, no signal blocked
    /// and every signal at its default disposition.
    public static func spawn(_ path: String, arguments: [String]) throws(SystemError) -> ChildProcess {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGUSR1, SIGUSR2] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var files = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&files)
        defer { posix_spawn_file_actions_destroy(&files) }
        posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&files, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&files, 2, "/dev/null", O_WRONLY, 0)

        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &files, &attributes, argv, environ)
        guard result == 0 else { throw SystemError("posix_spawn(\(path))", errno: result) }
        return ChildProcess(pid: pid)
    }

    /// Sends SIGTERM (`force`: SIGKILL).
    public func terminate(force: Bool = false) {
        _ = kill(pid, force ? SIGKILL : SIGTERM)
    }

    /// Waits for the process to exit and returns its status as a shell shows it (128 + signal number
    /// when a signal ended it).
    @discardableResult
    public func waitForExit() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && starling_errno() == EINTR {}
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}

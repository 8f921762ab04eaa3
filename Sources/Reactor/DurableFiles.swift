// Small files that must survive a crash: written to a temporary name, fsync'ed, renamed over the
// target, and the directory fsync'ed, so a reader sees the old file or the new one, never a torn one.

import CSystem
import Glibc
import MQTTCodec

/// A directory of small files written atomically and durably (the client's outbound message store).
public struct DurableDirectory: Sendable, Hashable {
    /// The directory's path.
    public let path: String

    /// Opens `path`, creating it (mode 0700) if it does not exist.
    public init(path: String) throws(SystemError) {
        self.path = path
        if mkdir(path, 0o700) != 0 {
            let code = starling_errno()
            if code != EEXIST { throw SystemError("mkdir(\(path))", errno: code) }
        }
    }

    /// The names of the regular entries, in no particular order (`.` and `..` left out).
    public func entryNames() throws(SystemError) -> [String] {
        guard let stream = opendir(path) else { throw SystemError("opendir(\(path))", errno: starling_errno()) }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The whole content of entry `name`.
    public func read(_ name: String) throws(SystemError) -> ByteBuffer {
        let fd = try blockingSyscall("open") { open(path + "/" + name, O_RDONLY | O_CLOEXEC) }
        defer { close(fd) }
        var buffer = ByteBuffer(capacity: 4096)
        while true {
            let count = try buffer.writeWithUnsafeMutableBytes(maximum: 65536) { (space) throws(SystemError) -> Int in
                Int(try blockingSyscall("read") { Glibc.read(fd, space.baseAddress, space.count) })
            }
            if count == 0 { return buffer }
        }
    }

    /// Replaces entry `name` with `bytes` atomically, and returns once the bytes are on disk.
    public func write(_ name: String, _ bytes: ByteBuffer) throws(SystemError) {
        let target = path + "/" + name
        let temporary = target + ".tmp"
        let fd = try blockingSyscall("open") {
            open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        }
        do {
            var remaining = bytes
            while remaining.readableBytes > 0 {
                let written = try remaining.withReadableBytes { (raw) throws(SystemError) in
                    try blockingSyscall("write") { Glibc.write(fd, raw.baseAddress, raw.count) }
                }
                remaining.moveReaderIndex(forwardBy: written)
            }
            _ = try blockingSyscall("fsync") { fsync(fd) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        _ = try blockingSyscall("rename") { rename(temporary, target) }
        try syncDirectory()
    }

    /// Deletes entry `name`; a missing entry is not an error.
    public func remove(_ name: String) throws(SystemError) {
        if unlink(path + "/" + name) != 0 {
            let code = starling_errno()
            if code != ENOENT { throw SystemError("unlink(\(name))", errno: code) }
        }
    }

    private func syncDirectory() throws(SystemError) {
        let fd = try blockingSyscall("open") { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(fd) }
        _ = try blockingSyscall("fsync") { fsync(fd) }
    }
}

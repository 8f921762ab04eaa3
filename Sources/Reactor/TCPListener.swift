import CSystem
import Glibc

/// A non-blocking listening TCP socket.
public struct TCPListener: Sendable, Hashable {
    let fd: Int32
    /// The bound address, with the real port when port 0 was asked for.
    public let localAddress: SocketAddress

    /// Binds and listens. `reusePort` lets several loops bind the same port and the kernel spread
    /// connections among them.
    public static func bind(
        host: String, port: UInt16, reusePort: Bool = false, backlog: Int32 = 1024
    ) throws(SystemError) -> TCPListener {
        let address = try SocketAddress.resolve(host: host, port: port)
        let fd = try blockingSyscall("socket") {
            socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        var on: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        if reusePort { _ = setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, socklen_t(MemoryLayout<Int32>.size)) }
        if address.family == AF_INET6 {
            _ = setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &on, socklen_t(MemoryLayout<Int32>.size))
        }
        do {
            _ = try blockingSyscall("bind") { address.withSockAddr { Glibc.bind(fd, $0, $1) } }
            _ = try blockingSyscall("listen") { listen(fd, backlog) }
        } catch {
            Glibc.close(fd)
            throw error
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return TCPListener(fd: fd, localAddress: SocketAddress(storage: storage, length: length))
    }

    /// Accepts one pending connection as a non-blocking socket, or nil when none is waiting.
    public func accept() throws(SystemError) -> (Socket, SocketAddress)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = try syscall("accept4") {
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    starling_accept4(fd, $0, &length, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
                }
            }
        }
        switch result {
        case .done(let client): return (Socket(fd: client), SocketAddress(storage: storage, length: length))
        case .wouldBlock: return nil
        }
    }

    public func close() {
        _ = Glibc.close(fd)
    }
}

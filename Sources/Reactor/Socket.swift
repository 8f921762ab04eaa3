import CSystem
import Glibc
import MQTTCodec

/// What a read from a socket gave.
public enum ReadOutcome: Equatable, Sendable {
    case read(Int)
    case wouldBlock
    /// The peer closed its side.
    case endOfFile
}

/// A connected, non-blocking TCP socket. It owns its descriptor until `close()`.
public struct Socket: Sendable, Hashable {
    let fd: Int32

    init(fd: Int32) { self.fd = fd }

    /// Reads up to `maximum` bytes straight into `buffer`'s writable space.
    public func read(into buffer: inout ByteBuffer, maximum: Int) throws(SystemError) -> ReadOutcome {
        var outcome = ReadOutcome.wouldBlock
        _ = try buffer.writeWithUnsafeMutableBytes(maximum: maximum) { (space) throws(SystemError) -> Int in
            switch try syscall("read", { Glibc.read(fd, space.baseAddress, space.count) }) {
            case .done(0):
                outcome = .endOfFile
                return 0
            case .done(let count):
                outcome = .read(count)
                return count
            case .wouldBlock:
                return 0
            }
        }
        return outcome
    }

    /// Writes as much of `bytes` as the kernel takes now; never raises SIGPIPE.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError) -> IOResult<Int> {
        guard bytes.count > 0 else { return .done(0) }
        return try syscall("send") { send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Writes the readable bytes of `buffer` as far as possible and consumes what was written.
    /// Returns true when everything was written. A short write means the send buffer is full: the
    /// rest waits for writability rather than costing another `send` that would get EAGAIN.
    public func flush(_ buffer: inout ByteBuffer) throws(SystemError) -> Bool {
        guard buffer.readableBytes > 0 else { return true }
        let result = try buffer.withReadableBytes { (bytes) throws(SystemError) in try write(bytes) }
        switch result {
        case .done(let count):
            buffer.moveReaderIndex(forwardBy: count)
            return buffer.readableBytes == 0
        case .wouldBlock:
            return false
        }
    }

    /// Turns Nagle's algorithm off: MQTT packets are small and latency matters.
    public func setNoDelay() {
        var on: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Acknowledges received data at once instead of after the delayed-ACK timer (up to 40 ms).
    /// Linux leaves quick-ACK mode on its own, so this holds until the next read, not for good.
    public func requestQuickAck() {
        var on: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), Int32(TCP_QUICKACK), &on, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Shuts down the write side (the peer reads end of file) but keeps the descriptor.
    public func shutdownOutput() {
        _ = shutdown(fd, Int32(SHUT_WR))
    }

    /// Releases the descriptor. The socket must not be used afterwards.
    public func close() {
        _ = Glibc.close(fd)
    }

    /// The address of the peer, if the socket is still connected.
    public var peerAddress: SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) }
        }
        return result == 0 ? SocketAddress(storage: storage, length: length) : nil
    }

    /// Starts a non-blocking connection to `address`; wait for writability, then call `finishConnect`.
    /// With `source`, the socket is bound to that local address first (its port is still chosen at
    /// connect time, `IP_BIND_ADDRESS_NO_PORT`): a load generator spreads tens of thousands of
    /// loopback connections over 127.0.0.1, .2, … because one (source, destination) pair of
    /// addresses has only `ip_local_port_range` ports (~28,000).
    public static func startConnect(
        to address: SocketAddress, from source: SocketAddress? = nil
    ) throws(SystemError) -> (Socket, connected: Bool) {
        let fd = try blockingSyscall("socket") {
            Glibc.socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        let socket = Socket(fd: fd)
        if let source {
            var on: Int32 = 1
            if source.family == AF_INET {
                _ = setsockopt(fd, Int32(IPPROTO_IP), IP_BIND_ADDRESS_NO_PORT, &on, socklen_t(MemoryLayout<Int32>.size))
            }
            if source.withSockAddr({ Glibc.bind(fd, $0, $1) }) != 0 {
                let code = starling_errno()
                socket.close()
                throw SystemError("bind", errno: code)
            }
        }
        let result = address.withSockAddr { Glibc.connect(fd, $0, $1) }
        if result == 0 { return (socket, true) }
        let code = starling_errno()
        guard code == EINPROGRESS else {
            socket.close()
            throw SystemError("connect", errno: code)
        }
        return (socket, false)
    }

    /// Completes a connection started by `startConnect` once the socket is writable.
    public func finishConnect() throws(SystemError) {
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
        if code != 0 { throw SystemError("connect", errno: code) }
    }

    /// Connects and waits up to `timeout` milliseconds (tools and tests; the broker never blocks).
    public static func connect(to address: SocketAddress, timeoutMilliseconds: Int32 = 5000) throws(SystemError) -> Socket {
        let (socket, connected) = try startConnect(to: address)
        if connected { return socket }
        var poll = pollfd(fd: socket.fd, events: Int16(POLLOUT), revents: 0)
        let ready = Glibc.poll(&poll, 1, timeoutMilliseconds)
        guard ready == 1 else {
            socket.close()
            throw SystemError("connect", errno: ETIMEDOUT)
        }
        do { try socket.finishConnect() } catch {
            socket.close()
            throw error
        }
        return socket
    }

    /// Waits up to `timeoutMilliseconds` for the socket to become readable (tools and tests).
    public func waitReadable(timeoutMilliseconds: Int32) -> Bool {
        var poll = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return Glibc.poll(&poll, 1, timeoutMilliseconds) == 1
    }
}

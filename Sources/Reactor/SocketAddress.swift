import CSystem
import Glibc

/// An IPv4 or IPv6 socket address.
public struct SocketAddress: Sendable, Hashable {
    var storage: sockaddr_storage
    var length: socklen_t

    init(storage: sockaddr_storage, length: socklen_t) {
        self.storage = storage
        self.length = length
    }

    /// Resolves a numeric address or host name and a port, preferring what getaddrinfo lists first.
    public static func resolve(host: String, port: UInt16) throws(SystemError) -> SocketAddress {
        try resolveAll(host: host, port: port)[0]
    }

    /// Every address getaddrinfo lists for `host` and `port`, in its order of preference (a client
    /// tries them in turn: `localhost` may list `::1` before `127.0.0.1`).
    public static func resolveAll(host: String, port: UInt16) throws(SystemError) -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, list != nil else { throw SystemError("getaddrinfo(\(host))", errno: ENOENT) }
        defer { freeaddrinfo(list) }
        var addresses: [SocketAddress] = []
        var entry = list
        while let current = entry {
            var storage = sockaddr_storage()
            withUnsafeMutableBytes(of: &storage) { target in
                target.copyMemory(from: UnsafeRawBufferPointer(start: current.pointee.ai_addr, count: Int(current.pointee.ai_addrlen)))
            }
            let address = SocketAddress(storage: storage, length: current.pointee.ai_addrlen)
            if !addresses.contains(address) { addresses.append(address) }
            entry = current.pointee.ai_next
        }
        return addresses
    }

    /// The address family (AF_INET or AF_INET6).
    var family: Int32 { Int32(storage.ss_family) }

    /// The port in host byte order.
    public var port: UInt16 {
        withUnsafeBytes(of: storage) { raw in
            if family == AF_INET6 {
                return UInt16(bigEndian: raw.load(fromByteOffset: 2, as: UInt16.self))
            }
            return UInt16(bigEndian: raw.load(fromByteOffset: 2, as: UInt16.self))
        }
    }

    /// The numeric host, e.g. `127.0.0.1` or `::1`.
    public var host: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        withUnsafeBytes(of: storage) { raw in
            let offset = family == AF_INET6 ? 8 : 4  // sin6_addr / sin_addr
            _ = inet_ntop(family, raw.baseAddress! + offset, &buffer, socklen_t(buffer.count))
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        withUnsafeBytes(of: storage) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }
}

extension SocketAddress: CustomStringConvertible {
    /// `host:port`, as Mosquitto prints peers.
    public var description: String { "\(host):\(port)" }
}

extension sockaddr_storage: @retroactive Equatable, @retroactive Hashable {
    public static func == (lhs: sockaddr_storage, rhs: sockaddr_storage) -> Bool {
        withUnsafeBytes(of: lhs) { left in withUnsafeBytes(of: rhs) { right in left.elementsEqual(right) } }
    }

    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes(of: self) { hasher.combine(bytes: $0) }
    }
}

extension sockaddr_storage: @retroactive @unchecked Sendable {}

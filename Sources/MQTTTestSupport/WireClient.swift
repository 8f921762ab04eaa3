// A blocking, byte-level MQTT client for conversation tests: send exact packets or raw bytes, and
// expect exact packets back within a timeout. Every wait is bounded.

import MQTTCodec
import Reactor

/// What went wrong in a conversation.
public enum WireClientError: Error, CustomStringConvertible {
    case timedOut(waitingFor: String)
    case closedByPeer(waitingFor: String)
    case unexpected(expected: String, got: String)
    case decode(DecodeError)

    public var description: String {
        switch self {
        case .timedOut(let what): "timed out waiting for \(what)"
        case .closedByPeer(let what): "connection closed while waiting for \(what)"
        case .unexpected(let expected, let got): "expected \(expected), got \(got)"
        case .decode(let error): "undecodable bytes from the broker: \(error)"
        }
    }
}

/// One raw TCP connection to a broker.
public final class WireClient {
    private let socket: Socket
    private var input = ByteBuffer(capacity: 4096)
    private let decoder = PacketDecoder()
    public private(set) var isClosed = false

    public init(port: UInt16, host: String = "127.0.0.1") throws {
        socket = try Socket.connect(to: try SocketAddress.resolve(host: host, port: port))
        socket.setNoDelay()
    }

    /// Closes only what `close()` has not: a second close could hit a descriptor another test has
    /// been given since.
    deinit {
        if !isClosed { socket.close() }
    }

    /// Closes the TCP connection without DISCONNECT.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        socket.close()
    }

    public func send(_ packet: Packet) throws {
        try send(buffer: packet.encoded())
    }

    public func send(bytes: [UInt8]) throws {
        try send(buffer: ByteBuffer(bytes: bytes))
    }

    private func send(buffer: ByteBuffer) throws {
        var buffer = buffer
        for _ in 0..<1000 where buffer.readableBytes > 0 {
            if try socket.flush(&buffer) { return }
            var poll = 0
            while poll < 100 && !socket.waitReadable(timeoutMilliseconds: 10) { poll += 1 }
        }
    }

    /// The next packet, or nil if the broker closed the connection. Throws on timeout.
    public func nextPacket(timeoutMilliseconds: Int32 = 3000, waitingFor what: String = "a packet") throws -> Packet? {
        let deadline = Instant.now() + .milliseconds(Int64(timeoutMilliseconds))
        while true {
            do {
                if let packet = try decoder.decode(from: &input) { return packet }
            } catch {
                throw WireClientError.decode(error)
            }
            let remaining = Instant.now() < deadline ? deadline.since(.now()) : .zero
            let milliseconds = Int32(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)
            guard milliseconds > 0, socket.waitReadable(timeoutMilliseconds: milliseconds) else {
                throw WireClientError.timedOut(waitingFor: what)
            }
            input.discardReadBytes()
            switch try socket.read(into: &input, maximum: 65536) {
            case .endOfFile: return nil
            case .read, .wouldBlock: continue
            }
        }
    }

    /// Expects exactly `packet` next.
    public func expect(_ packet: Packet, timeoutMilliseconds: Int32 = 3000) throws {
        guard let got = try nextPacket(timeoutMilliseconds: timeoutMilliseconds, waitingFor: "\(packet)") else {
            throw WireClientError.closedByPeer(waitingFor: "\(packet)")
        }
        guard got == packet else { throw WireClientError.unexpected(expected: "\(packet)", got: "\(got)") }
    }

    /// Expects exactly these bytes next on the wire.
    public func expect(bytes: [UInt8], timeoutMilliseconds: Int32 = 3000) throws {
        guard let got = try nextPacket(timeoutMilliseconds: timeoutMilliseconds, waitingFor: "\(bytes)") else {
            throw WireClientError.closedByPeer(waitingFor: "\(bytes)")
        }
        let gotBytes = got.encoded().readableBytesArray
        guard gotBytes == bytes else { throw WireClientError.unexpected(expected: "\(bytes)", got: "\(gotBytes)") }
    }

    /// Expects the broker to close the connection (after any packets it sends first, which are returned).
    @discardableResult
    public func expectClosed(timeoutMilliseconds: Int32 = 3000) throws -> [Packet] {
        var before: [Packet] = []
        for _ in 0..<1000 {
            guard let packet = try nextPacket(timeoutMilliseconds: timeoutMilliseconds, waitingFor: "the connection to close") else {
                return before
            }
            before.append(packet)
        }
        throw WireClientError.timedOut(waitingFor: "the connection to close")
    }

    /// Expects nothing to arrive for `milliseconds`.
    public func expectSilence(milliseconds: Int32 = 200) throws {
        do {
            if let packet = try nextPacket(timeoutMilliseconds: milliseconds, waitingFor: "silence") {
                throw WireClientError.unexpected(expected: "nothing", got: "\(packet)")
            }
            throw WireClientError.closedByPeer(waitingFor: "silence")
        } catch WireClientError.timedOut {
            return
        }
    }

    // MARK: Conveniences

    /// Sends CONNECT and expects CONNACK accepted with `sessionPresent`.
    public func connect(
        clientID: String, cleanSession: Bool = true, keepAlive: UInt16 = 60, will: Will? = nil,
        username: String? = nil, sessionPresent: Bool = false
    ) throws {
        try send(.connect(Connect(clientID: clientID, cleanSession: cleanSession, keepAlive: keepAlive, will: will, username: username)))
        try expect(.connAck(ConnAck(sessionPresent: sessionPresent, returnCode: .accepted)))
    }

    /// Subscribes and expects the SUBACK granting `qos`.
    public func subscribe(_ filter: String, qos: QoS = .atMostOnce, packetID: PacketID = 1) throws {
        let request = Subscribe.Request(filter: try TopicFilter(filter), qos: qos)
        try send(.subscribe(Subscribe(packetID: packetID, requests: [request])))
        try expect(.subAck(SubAck(packetID: packetID, returnCodes: [.granted(qos)])))
    }

    /// Publishes and completes the QoS handshake from the client's side.
    public func publish(_ topic: String, _ payload: String, qos: QoS = .atMostOnce, retain: Bool = false, packetID: PacketID = 1) throws {
        let publish = Publish(
            topic: try TopicName(topic), payload: ByteBuffer(string: payload), qos: qos,
            packetID: qos == .atMostOnce ? nil : packetID, retain: retain)
        try send(.publish(publish))
        switch qos {
        case .atMostOnce: break
        case .atLeastOnce: try expect(.pubAck(PubAck(packetID: packetID)))
        case .exactlyOnce:
            try expect(.pubRec(PubRec(packetID: packetID)))
            try send(.pubRel(PubRel(packetID: packetID)))
            try expect(.pubComp(PubComp(packetID: packetID)))
        }
    }

    /// A PINGREQ/PINGRESP round trip: the broker handles a connection's packets in order, so once it
    /// returns, everything sent before it (QoS 0 publishes included) has been processed.
    public func sync() throws {
        try send(.pingReq)
        try expect(.pingResp)
    }

    /// The next packet, which must be a PUBLISH.
    public func expectPublish(timeoutMilliseconds: Int32 = 3000) throws -> Publish {
        guard let packet = try nextPacket(timeoutMilliseconds: timeoutMilliseconds, waitingFor: "PUBLISH") else {
            throw WireClientError.closedByPeer(waitingFor: "PUBLISH")
        }
        guard case .publish(let publish) = packet else { throw WireClientError.unexpected(expected: "PUBLISH", got: "\(packet)") }
        return publish
    }
}

extension Publish {
    /// The payload as a string (tests).
    public var payloadString: String { payload.readableString }
}

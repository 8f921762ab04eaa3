// CONNACK (section 3.2): acknowledge flags (bit 0: session present, bits 7-1 reserved) and a
// return code. Remaining length is always 2.

/// The CONNACK return codes of section 3.2.2.3.
public enum ConnectReturnCode: UInt8, Sendable, Hashable, CaseIterable {
    case accepted = 0
    case unacceptableProtocolVersion = 1
    case identifierRejected = 2
    case serverUnavailable = 3
    case badUsernameOrPassword = 4
    case notAuthorized = 5
}

extension ConnectReturnCode: CustomStringConvertible {
    /// The wording Mosquitto's clients print for each code.
    public var description: String {
        switch self {
        case .accepted: "Connection Accepted."
        case .unacceptableProtocolVersion: "Connection Refused: unacceptable protocol version."
        case .identifierRejected: "Connection Refused: identifier rejected."
        case .serverUnavailable: "Connection Refused: broker unavailable."
        case .badUsernameOrPassword: "Connection Refused: bad user name or password."
        case .notAuthorized: "Connection Refused: not authorised."
        }
    }
}

/// CONNACK: the server's answer to CONNECT.
public struct ConnAck: PacketBody {
    static let packetType = PacketType.connAck

    public var sessionPresent: Bool
    public var returnCode: ConnectReturnCode

    public init(sessionPresent: Bool = false, returnCode: ConnectReturnCode = .accepted) {
        self.sessionPresent = sessionPresent
        self.returnCode = returnCode
    }

    var remainingLength: Int { 2 }

    func writeBody(into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(sessionPresent ? 1 : 0))
        buffer.writeInteger(returnCode.rawValue)
    }

    static func decode(body: inout ByteBuffer) throws(DecodeError) -> ConnAck {
        guard let flags: UInt8 = body.readInteger(), let code: UInt8 = body.readInteger() else {
            throw .truncated(.connAck)
        }
        guard body.readableBytes == 0 else { throw .unexpectedTrailingBytes(.connAck) }
        guard flags & 0xFE == 0 else { throw .invalidConnAckFlags(flags) }
        guard let returnCode = ConnectReturnCode(rawValue: code) else { throw .reservedConnectReturnCode(code) }
        let sessionPresent = flags & 0x01 != 0
        if sessionPresent && returnCode != .accepted { throw .sessionPresentWithRefusal }  // [MQTT-3.2.2-4]
        return ConnAck(sessionPresent: sessionPresent, returnCode: returnCode)
    }
}

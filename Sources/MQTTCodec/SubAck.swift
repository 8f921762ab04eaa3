// SUBACK (section 3.9): packet identifier, then one return code per requested filter, in order
// [MQTT-3.8.4-5]: the granted QoS, or 0x80 for failure [MQTT-3.9.3-2].

/// The answer to one subscription request.
public enum SubAckReturnCode: Sendable, Hashable {
    case granted(QoS)
    case failure

    public var rawValue: UInt8 {
        switch self {
        case .granted(let qos): qos.rawValue
        case .failure: 0x80
        }
    }

    public init?(rawValue: UInt8) {
        if rawValue == 0x80 {
            self = .failure
        } else if let qos = QoS(rawValue: rawValue) {
            self = .granted(qos)
        } else {
            return nil
        }
    }
}

/// SUBACK: the server's answer to SUBSCRIBE.
public struct SubAck: PacketBody {
    static let packetType = PacketType.subAck

    public var packetID: PacketID
    public var returnCodes: [SubAckReturnCode]

    public init(packetID: PacketID, returnCodes: [SubAckReturnCode]) {
        self.packetID = packetID
        self.returnCodes = returnCodes
    }

    var remainingLength: Int { 2 + returnCodes.count }

    func writeBody(into buffer: inout ByteBuffer) {
        buffer.writeInteger(packetID.rawValue)
        for code in returnCodes { buffer.writeInteger(code.rawValue) }
    }

    static func decode(body: inout ByteBuffer) throws(DecodeError) -> SubAck {
        let id = try body.readPacketID(in: .subAck)
        var codes: [SubAckReturnCode] = []
        codes.reserveCapacity(body.readableBytes)
        while let raw: UInt8 = body.readInteger() {
            guard let code = SubAckReturnCode(rawValue: raw) else { throw .invalidSubAckReturnCode(raw) }
            codes.append(code)
        }
        guard !codes.isEmpty else { throw .truncated(.subAck) }
        return SubAck(packetID: id, returnCodes: codes)
    }
}

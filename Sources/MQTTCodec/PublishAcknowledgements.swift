// PUBACK, PUBREC, PUBREL and PUBCOMP (sections 3.4-3.7): a packet identifier and nothing else.
// PUBREL alone carries the fixed-header flags 0010 [MQTT-3.6.1-1].

/// A packet whose whole body is a packet identifier.
protocol PacketIDOnlyBody: PacketBody {
    var packetID: PacketID { get }
    init(packetID: PacketID)
}

extension PacketIDOnlyBody {
    var remainingLength: Int { 2 }

    func writeBody(into buffer: inout ByteBuffer) {
        buffer.writeInteger(packetID.rawValue)
    }

    static func decode(body: inout ByteBuffer) throws(DecodeError) -> Self {
        let id = try body.readPacketID(in: packetType)
        guard body.readableBytes == 0 else { throw .unexpectedTrailingBytes(packetType) }
        return Self(packetID: id)
    }
}

/// PUBACK: acknowledges a QoS 1 PUBLISH.
public struct PubAck: PacketIDOnlyBody {
    static let packetType = PacketType.pubAck
    public var packetID: PacketID
    public init(packetID: PacketID) { self.packetID = packetID }
}

/// PUBREC: first answer to a QoS 2 PUBLISH.
public struct PubRec: PacketIDOnlyBody {
    static let packetType = PacketType.pubRec
    public var packetID: PacketID
    public init(packetID: PacketID) { self.packetID = packetID }
}

/// PUBREL: the sender's answer to PUBREC.
public struct PubRel: PacketIDOnlyBody {
    static let packetType = PacketType.pubRel
    public var packetID: PacketID
    public init(packetID: PacketID) { self.packetID = packetID }
}

/// PUBCOMP: completes a QoS 2 exchange.
public struct PubComp: PacketIDOnlyBody {
    static let packetType = PacketType.pubComp
    public var packetID: PacketID
    public init(packetID: PacketID) { self.packetID = packetID }
}

/// UNSUBACK: acknowledges an UNSUBSCRIBE (section 3.11).
public struct UnsubAck: PacketIDOnlyBody {
    static let packetType = PacketType.unsubAck
    public var packetID: PacketID
    public init(packetID: PacketID) { self.packetID = packetID }
}

/// PUBACK, PUBREC, PUBREL or PUBCOMP as four bytes, for code that writes them by the thousand: a
/// broker answers every QoS 1/2 PUBLISH with one, and going through `Packet` built, encoded and
/// destroyed an enum with non-trivial payloads each time.
public struct PublishAcknowledgement: Sendable, Hashable {
    /// The first byte: packet type and flags (PUBREL's are 0010 [MQTT-3.6.1-1]).
    public enum Kind: UInt8, Sendable, Hashable {
        case pubAck = 0x40
        case pubRec = 0x50
        case pubRel = 0x62
        case pubComp = 0x70

        public var packetType: PacketType { PacketType(rawValue: rawValue >> 4)! }
    }

    public var kind: Kind
    public var packetID: PacketID

    public init(_ kind: Kind, _ packetID: PacketID) {
        self.kind = kind
        self.packetID = packetID
    }

    /// Appends the packet: first byte, remaining length 2, packet identifier.
    public func write(into buffer: inout ByteBuffer) {
        _ = buffer.writeWithUnsafeMutableBytes(maximum: 4) { bytes in
            bytes[0] = kind.rawValue
            bytes[1] = 2
            bytes[2] = UInt8(truncatingIfNeeded: packetID.rawValue >> 8)
            bytes[3] = UInt8(truncatingIfNeeded: packetID.rawValue)
            return 4
        }
    }

    /// The same packet as a `Packet` (tests, logs).
    public var packet: Packet {
        switch kind {
        case .pubAck: .pubAck(PubAck(packetID: packetID))
        case .pubRec: .pubRec(PubRec(packetID: packetID))
        case .pubRel: .pubRel(PubRel(packetID: packetID))
        case .pubComp: .pubComp(PubComp(packetID: packetID))
        }
    }
}

extension PublishAcknowledgement {
    /// Consumes a well-formed PUBACK, PUBREC, PUBREL or PUBCOMP from the front of `buffer` if that is
    /// what comes next, else returns nil and leaves `buffer` as it was. The fast path for the
    /// commonest packets of a QoS 1/2 flow: no `Packet` is built and destroyed. Anything else, a
    /// malformed acknowledgement included, is `PacketDecoder`'s to decode or refuse.
    public static func decodeIfNext(from buffer: inout ByteBuffer) -> PublishAcknowledgement? {
        let decoded: PublishAcknowledgement? = buffer.withReadableBytes { bytes in
            // Remaining length 2; PUBREL's flags 0010 are part of its Kind [MQTT-3.6.1-1]; a zero
            // packet identifier is left to the decoder, which refuses it.
            guard bytes.count >= 4, let kind = Kind(rawValue: bytes[0]), bytes[1] == 2 else { return nil }
            guard let packetID = PacketID(rawValue: UInt16(bytes[2]) << 8 | UInt16(bytes[3])) else { return nil }
            return PublishAcknowledgement(kind, packetID)
        }
        if decoded != nil { buffer.moveReaderIndex(forwardBy: 4) }
        return decoded
    }
}

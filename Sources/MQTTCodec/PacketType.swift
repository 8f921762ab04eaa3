/// The control packet type in the high nibble of the first byte (MQTT 3.1.1 section 2.2.1).
public enum PacketType: UInt8, Sendable, Hashable, CaseIterable {
    case connect = 1
    case connAck = 2
    case publish = 3
    case pubAck = 4
    case pubRec = 5
    case pubRel = 6
    case pubComp = 7
    case subscribe = 8
    case subAck = 9
    case unsubscribe = 10
    case unsubAck = 11
    case pingReq = 12
    case pingResp = 13
    case disconnect = 14

    /// The fixed-header flags every type but PUBLISH must carry [MQTT-2.2.2-1]; nil for PUBLISH,
    /// whose flags carry DUP, QoS and RETAIN.
    public var requiredFlags: UInt8? {
        switch self {
        case .publish: return nil
        case .pubRel, .subscribe, .unsubscribe: return 0b0010
        default: return 0
        }
    }
}

extension PacketType: CustomStringConvertible {
    public var description: String {
        switch self {
        case .connect: "CONNECT"
        case .connAck: "CONNACK"
        case .publish: "PUBLISH"
        case .pubAck: "PUBACK"
        case .pubRec: "PUBREC"
        case .pubRel: "PUBREL"
        case .pubComp: "PUBCOMP"
        case .subscribe: "SUBSCRIBE"
        case .subAck: "SUBACK"
        case .unsubscribe: "UNSUBSCRIBE"
        case .unsubAck: "UNSUBACK"
        case .pingReq: "PINGREQ"
        case .pingResp: "PINGRESP"
        case .disconnect: "DISCONNECT"
        }
    }
}

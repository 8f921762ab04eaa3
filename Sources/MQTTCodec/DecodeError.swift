/// Why bytes from the wire are not a valid MQTT 3.1.1 packet. Each case names the normative
/// statement it enforces; the consequence for the connection (close, or CONNACK then close) is
/// decided by whoever owns it.
public enum DecodeError: Error, Sendable, Hashable {
    /// Packet types 0 and 15 are reserved (section 2.2.1, [MQTT-4.8.0-1]).
    case reservedPacketType(UInt8)
    /// Fixed-header flags differ from those the spec lists for the type [MQTT-2.2.2-1], [MQTT-2.2.2-2].
    case invalidFlags(PacketType, flags: UInt8)
    /// The remaining length uses more than four bytes (section 2.2.3).
    case malformedRemainingLength
    /// The remaining length exceeds what this receiver accepts; refused before the body is read.
    case packetTooLarge(remainingLength: Int, limit: Int)
    /// The remaining length ends before the fields the packet must carry (section 2.2.3, [MQTT-4.8.0-1]).
    case truncated(PacketType)
    /// Bytes are left over after the last field the packet can carry ([MQTT-4.8.0-1]).
    case unexpectedTrailingBytes(PacketType)
    /// A UTF-8 string field is ill-formed [MQTT-1.5.3-1].
    case invalidUTF8(PacketType)
    /// A UTF-8 string field contains U+0000 [MQTT-1.5.3-2].
    case nullCharacter(PacketType)
    /// The protocol name is neither `MQTT` nor `MQIsdp` [MQTT-3.1.2-1].
    case invalidProtocolName(String)
    /// The protocol level is not one this server speaks: answered with CONNACK 0x01 [MQTT-3.1.2-2].
    case unsupportedProtocolLevel(UInt8)
    /// The reserved CONNECT flag is set [MQTT-3.1.2-3].
    case connectReservedFlagSet
    /// Will QoS or Will Retain set without the Will Flag [MQTT-3.1.2-11], [MQTT-3.1.2-13], [MQTT-3.1.2-15].
    case willOptionsWithoutWill
    /// Will QoS is 3 [MQTT-3.1.2-14].
    case invalidWillQoS
    /// Password flag set without the User Name flag [MQTT-3.1.2-22].
    case passwordWithoutUsername
    /// PUBLISH with both QoS bits set [MQTT-3.3.1-4].
    case invalidQoS
    /// A packet identifier of zero where one is required [MQTT-2.3.1-1].
    case zeroPacketID(PacketType)
    /// A topic name in PUBLISH or a will is invalid [MQTT-3.3.2-1], [MQTT-3.3.2-2], section 4.7.
    case invalidTopicName(TopicError)
    /// A topic filter in SUBSCRIBE or UNSUBSCRIBE is invalid [MQTT-3.8.3-1], [MQTT-3.10.3-1], section 4.7.
    case invalidTopicFilter(TopicError)
    /// SUBSCRIBE or UNSUBSCRIBE without any topic filter [MQTT-3.8.3-3], [MQTT-3.10.3-2].
    case noTopicFilters(PacketType)
    /// A requested QoS above 2, or reserved bits set beside it [MQTT-3-8.3-4].
    case invalidRequestedQoS(UInt8)
    /// CONNACK acknowledge flags with reserved bits set (section 3.2.2.1).
    case invalidConnAckFlags(UInt8)
    /// CONNACK return code above 5 (reserved, section 3.2.2.3).
    case reservedConnectReturnCode(UInt8)
    /// CONNACK with session present set beside a non-zero return code [MQTT-3.2.2-4].
    case sessionPresentWithRefusal
    /// SUBACK return code other than 0x00, 0x01, 0x02 or 0x80 [MQTT-3.9.3-2].
    case invalidSubAckReturnCode(UInt8)

    /// The normative statement (or spec section) this rejection enforces.
    public var normativeStatement: String {
        switch self {
        case .reservedPacketType: "MQTT-2.2.1"
        case .invalidFlags: "MQTT-2.2.2-2"
        case .malformedRemainingLength: "MQTT-2.2.3"
        case .packetTooLarge: "MQTT-2.2.3"
        case .truncated, .unexpectedTrailingBytes: "MQTT-4.8.0-1"
        case .invalidUTF8: "MQTT-1.5.3-1"
        case .nullCharacter: "MQTT-1.5.3-2"
        case .invalidProtocolName: "MQTT-3.1.2-1"
        case .unsupportedProtocolLevel: "MQTT-3.1.2-2"
        case .connectReservedFlagSet: "MQTT-3.1.2-3"
        case .willOptionsWithoutWill: "MQTT-3.1.2-11"
        case .invalidWillQoS: "MQTT-3.1.2-14"
        case .passwordWithoutUsername: "MQTT-3.1.2-22"
        case .invalidQoS: "MQTT-3.3.1-4"
        case .zeroPacketID: "MQTT-2.3.1-1"
        case .invalidTopicName(let error): error.normativeStatement
        case .invalidTopicFilter(let error): error.normativeStatement
        case .noTopicFilters(let type): type == .subscribe ? "MQTT-3.8.3-3" : "MQTT-3.10.3-2"
        case .invalidRequestedQoS: "MQTT-3-8.3-4"
        case .invalidConnAckFlags: "MQTT-3.2.2.1"
        case .reservedConnectReturnCode: "MQTT-3.2.2.3"
        case .sessionPresentWithRefusal: "MQTT-3.2.2-4"
        case .invalidSubAckReturnCode: "MQTT-3.9.3-2"
        }
    }
}

extension DecodeError: CustomStringConvertible {
    public var description: String {
        let reason: String =
            switch self {
            case .reservedPacketType(let type): "reserved packet type \(type)"
            case .invalidFlags(let type, let flags): "\(type) with invalid fixed-header flags 0x\(String(flags, radix: 16))"
            case .malformedRemainingLength: "remaining length longer than 4 bytes"
            case .packetTooLarge(let length, let limit): "packet of \(length) bytes exceeds the limit of \(limit)"
            case .truncated(let type): "\(type) ends before its required fields"
            case .unexpectedTrailingBytes(let type): "\(type) has bytes after its last field"
            case .invalidUTF8(let type): "\(type) contains ill-formed UTF-8"
            case .nullCharacter(let type): "\(type) string contains U+0000"
            case .invalidProtocolName(let name): "invalid protocol name \"\(name)\""
            case .unsupportedProtocolLevel(let level): "unsupported protocol level \(level)"
            case .connectReservedFlagSet: "CONNECT reserved flag set"
            case .willOptionsWithoutWill: "will QoS or retain set without the will flag"
            case .invalidWillQoS: "will QoS 3"
            case .passwordWithoutUsername: "password flag without user name flag"
            case .invalidQoS: "PUBLISH with QoS 3"
            case .zeroPacketID(let type): "\(type) with packet identifier 0"
            case .invalidTopicName(let error): "invalid topic name: \(error)"
            case .invalidTopicFilter(let error): "invalid topic filter: \(error)"
            case .noTopicFilters(let type): "\(type) without topic filters"
            case .invalidRequestedQoS(let byte): "invalid requested QoS byte 0x\(String(byte, radix: 16))"
            case .invalidConnAckFlags(let flags): "CONNACK flags 0x\(String(flags, radix: 16)) with reserved bits set"
            case .reservedConnectReturnCode(let code): "reserved CONNACK return code \(code)"
            case .sessionPresentWithRefusal: "CONNACK with session present and a refusal code"
            case .invalidSubAckReturnCode(let code): "invalid SUBACK return code 0x\(String(code, radix: 16))"
            }
        return "\(reason) [\(normativeStatement)]"
    }
}

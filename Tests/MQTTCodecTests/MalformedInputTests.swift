import MQTTCodec
import Testing

// Bytes that are not MQTT 3.1.1, each with the exact error and the statement it enforces.

/// One malformed input and what the decoder must say about it.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let error: DecodeError
    /// The statement `error.normativeStatement` must name.
    let statement: String
    /// The decoder's limit on the remaining length.
    var limit = ByteBuffer.maximumRemainingLength

    var testDescription: String { "\(name) [\(statement)]" }
}

/// A PUBLISH QoS 0 whose topic field holds `topicBytes`.
private func publishFrame(topicBytes: [UInt8]) -> [UInt8] { frame(0x30, field(topicBytes)) }
/// A CONNECT with `flags` and the given payload.
private func connectFrame(flags: UInt8, payload: [UInt8], name: String = "MQTT", level: UInt8 = 4) -> [UInt8] {
    frame(0x10, connectHeader(name: name, level: level, flags: flags) + payload)
}
/// A SUBSCRIBE (packet id 1) for one filter given as raw bytes.
private func subscribeFrame(filterBytes: [UInt8], qos: UInt8 = 0) -> [UInt8] {
    frame(0x82, u16(1) + field(filterBytes) + [qos])
}
/// An UNSUBSCRIBE (packet id 1) for one filter given as raw bytes.
private func unsubscribeFrame(filterBytes: [UInt8]) -> [UInt8] { frame(0xA2, u16(1) + field(filterBytes)) }

enum MalformedCases {
    static let fixedHeader: [MalformedCase] =
        [
            MalformedCase(
                name: "reserved type 0", bytes: hex("00 00"), error: .reservedPacketType(0), statement: "MQTT-2.2.1"),
            MalformedCase(
                name: "reserved type 15", bytes: hex("F0 00"), error: .reservedPacketType(15), statement: "MQTT-2.2.1"),
            MalformedCase(
                name: "PUBLISH QoS 3", bytes: hex("36 05 00 03 61 2F 62"), error: .invalidQoS, statement: "MQTT-3.3.1-4"
            ),
            MalformedCase(
                name: "PUBLISH QoS 3 dup retain", bytes: hex("3F 07 00 03 61 2F 62 00 01"), error: .invalidQoS,
                statement: "MQTT-3.3.1-4"),
            MalformedCase(
                name: "remaining length of five bytes", bytes: hex("30 FF FF FF FF 01"),
                error: .malformedRemainingLength, statement: "MQTT-2.2.3"),
            MalformedCase(
                name: "remaining length of five bytes, zero continuation", bytes: hex("C0 80 80 80 80 00"),
                error: .malformedRemainingLength, statement: "MQTT-2.2.3"),
            MalformedCase(
                name: "packet too large, only the fixed header arrived", bytes: hex("30 80 01"),
                error: .packetTooLarge(remainingLength: 128, limit: 127), statement: "MQTT-2.2.3", limit: 127),
            MalformedCase(
                name: "packet too large, four-byte length", bytes: hex("30 FF FF FF 7F"),
                error: .packetTooLarge(remainingLength: 268_435_455, limit: 65536), statement: "MQTT-2.2.3",
                limit: 65536),
            MalformedCase(
                name: "any remaining length above a zero limit", bytes: hex("C0 01 00"),
                error: .packetTooLarge(remainingLength: 1, limit: 0), statement: "MQTT-2.2.3", limit: 0),
        ]
        + invalidFlags

    /// Every non-PUBLISH type with flags other than those of Table 2.2 [MQTT-2.2.2-1], including
    /// [MQTT-3.6.1-1], [MQTT-3.8.1-1], [MQTT-3.10.1-1] and [MQTT-3.14.1-1].
    static let invalidFlags: [MalformedCase] = PacketType.allCases.compactMap { type -> [MalformedCase]? in
        guard let required = type.requiredFlags else { return nil }
        return [UInt8(0x1), 0x2, 0x4, 0x8, 0xF].map { bit -> MalformedCase in
            let flags = required ^ bit
            return MalformedCase(
                name: "\(type) with flags \(String(flags, radix: 2))", bytes: [type.rawValue << 4 | flags, 0x00],
                error: .invalidFlags(type, flags: flags), statement: "MQTT-2.2.2-2")
        }
    }.flatMap { $0 }

    static let connect: [MalformedCase] = [
        MalformedCase(
            name: "protocol name MQTX", bytes: connectFrame(flags: 0x02, payload: field("c"), name: "MQTX"),
            error: .invalidProtocolName("MQTX"), statement: "MQTT-3.1.2-1"),
        MalformedCase(
            name: "protocol name in lower case", bytes: connectFrame(flags: 0x02, payload: field("c"), name: "mqtt"),
            error: .invalidProtocolName("mqtt"), statement: "MQTT-3.1.2-1"),
        MalformedCase(
            name: "empty protocol name", bytes: connectFrame(flags: 0x02, payload: field("c"), name: ""),
            error: .invalidProtocolName(""), statement: "MQTT-3.1.2-1"),
        MalformedCase(
            name: "MQTT level 5", bytes: connectFrame(flags: 0x02, payload: field("c"), level: 5),
            error: .unsupportedProtocolLevel(5), statement: "MQTT-3.1.2-2"),
        MalformedCase(
            name: "MQTT level 3", bytes: connectFrame(flags: 0x02, payload: field("c"), level: 3),
            error: .unsupportedProtocolLevel(3), statement: "MQTT-3.1.2-2"),
        MalformedCase(
            name: "MQIsdp level 4", bytes: connectFrame(flags: 0x02, payload: field("c"), name: "MQIsdp", level: 4),
            error: .unsupportedProtocolLevel(4), statement: "MQTT-3.1.2-2"),
        MalformedCase(
            name: "MQTT level 0", bytes: connectFrame(flags: 0x02, payload: field("c"), level: 0),
            error: .unsupportedProtocolLevel(0), statement: "MQTT-3.1.2-2"),
        MalformedCase(
            name: "reserved connect flag", bytes: connectFrame(flags: 0x03, payload: field("c")),
            error: .connectReservedFlagSet, statement: "MQTT-3.1.2-3"),
        MalformedCase(
            name: "will QoS 1 without will flag", bytes: connectFrame(flags: 0x0A, payload: field("c")),
            error: .willOptionsWithoutWill, statement: "MQTT-3.1.2-11"),
        MalformedCase(
            name: "will QoS 2 without will flag", bytes: connectFrame(flags: 0x12, payload: field("c")),
            error: .willOptionsWithoutWill, statement: "MQTT-3.1.2-11"),
        MalformedCase(
            name: "will retain without will flag", bytes: connectFrame(flags: 0x22, payload: field("c")),
            error: .willOptionsWithoutWill, statement: "MQTT-3.1.2-11"),
        MalformedCase(
            name: "will QoS 3", bytes: connectFrame(flags: 0x1E, payload: field("c") + field("w") + field("m")),
            error: .invalidWillQoS, statement: "MQTT-3.1.2-14"),
        MalformedCase(
            name: "password without user name (3.1.1)",
            bytes: connectFrame(flags: 0x42, payload: field("c") + field("p")),
            error: .passwordWithoutUsername, statement: "MQTT-3.1.2-22"),
        MalformedCase(
            name: "trailing byte after the last field", bytes: connectFrame(flags: 0x02, payload: field("c") + [0x00]),
            error: .unexpectedTrailingBytes(.connect), statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "user name present without its flag",
            bytes: connectFrame(flags: 0x02, payload: field("c") + field("u")),
            error: .unexpectedTrailingBytes(.connect), statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "password present without its flag",
            bytes: connectFrame(flags: 0x82, payload: field("c") + field("u") + field("p")),
            error: .unexpectedTrailingBytes(.connect), statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "will fields present without will flag",
            bytes: connectFrame(flags: 0x02, payload: field("c") + field("w") + field("m")),
            error: .unexpectedTrailingBytes(.connect), statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "wildcard in will topic",
            bytes: connectFrame(flags: 0x06, payload: field("c") + field("w/#") + field("m")),
            error: .invalidTopicName(.wildcardInTopicName), statement: "MQTT-3.3.2-2"),
        MalformedCase(
            name: "empty will topic", bytes: connectFrame(flags: 0x06, payload: field("c") + field("") + field("m")),
            error: .invalidTopicName(.empty), statement: "MQTT-4.7.3-1"),
        MalformedCase(
            name: "ill-formed will topic",
            bytes: connectFrame(flags: 0x06, payload: field("c") + field(hex("C0 AF")) + field("m")),
            error: .invalidUTF8(.connect), statement: "MQTT-1.5.3-1"),
        MalformedCase(
            name: "ill-formed client id", bytes: connectFrame(flags: 0x02, payload: field(hex("61 ED A0 80"))),
            error: .invalidUTF8(.connect), statement: "MQTT-1.5.3-1"),
        MalformedCase(
            name: "U+0000 in client id", bytes: connectFrame(flags: 0x02, payload: field(hex("61 00 62"))),
            error: .nullCharacter(.connect), statement: "MQTT-1.5.3-2"),
        MalformedCase(
            name: "ill-formed user name",
            bytes: connectFrame(flags: 0x82, payload: field("c") + field(hex("F4 90 80 80"))),
            error: .invalidUTF8(.connect), statement: "MQTT-1.5.3-1"),
        MalformedCase(
            name: "U+0000 in user name", bytes: connectFrame(flags: 0x82, payload: field("c") + field(hex("00"))),
            error: .nullCharacter(.connect), statement: "MQTT-1.5.3-2"),
    ]

    static let truncated: [MalformedCase] = [
        MalformedCase(
            name: "CONNECT cut inside the protocol name", bytes: hex("10 03 00 04 4D"), error: .truncated(.connect),
            statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "CONNECT without level", bytes: frame(0x10, field("MQTT")), error: .truncated(.connect),
            statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "CONNECT without keep alive", bytes: frame(0x10, field("MQTT") + [0x04, 0x02, 0x00]),
            error: .truncated(.connect), statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "CONNECT without client id", bytes: connectFrame(flags: 0x02, payload: []),
            error: .truncated(.connect),
            statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "CONNECT client id longer than the packet",
            bytes: connectFrame(flags: 0x02, payload: hex("00 05 61")),
            error: .truncated(.connect), statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "CONNECT will flag without will topic", bytes: connectFrame(flags: 0x06, payload: field("c")),
            error: .truncated(.connect), statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "CONNECT will flag without will message",
            bytes: connectFrame(flags: 0x06, payload: field("c") + field("w")),
            error: .truncated(.connect), statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "CONNECT user name flag without user name", bytes: connectFrame(flags: 0x82, payload: field("c")),
            error: .truncated(.connect), statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "CONNECT password flag without password",
            bytes: connectFrame(flags: 0xC2, payload: field("c") + field("u")),
            error: .truncated(.connect), statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "CONNACK with one byte", bytes: hex("20 01 00"), error: .truncated(.connAck),
            statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "PUBLISH without topic length", bytes: hex("30 01 00"), error: .truncated(.publish),
            statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "PUBLISH topic longer than the packet", bytes: hex("30 04 00 05 61 62"), error: .truncated(.publish),
            statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "PUBLISH QoS 1 without packet id", bytes: hex("32 05 00 03 61 2F 62"), error: .truncated(.publish),
            statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "PUBLISH QoS 2 with half a packet id", bytes: hex("34 06 00 03 61 2F 62 01"),
            error: .truncated(.publish), statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "PUBACK without packet id", bytes: hex("40 00"), error: .truncated(.pubAck), statement: "MQTT-4.8.0-1"
        ),
        MalformedCase(
            name: "PUBREC with one byte", bytes: hex("50 01 01"), error: .truncated(.pubRec),
            statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "PUBREL with one byte", bytes: hex("62 01 01"), error: .truncated(.pubRel),
            statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "PUBCOMP without packet id", bytes: hex("70 00"), error: .truncated(.pubComp),
            statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "SUBSCRIBE with one byte", bytes: hex("82 01 00"), error: .truncated(.subscribe),
            statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "SUBSCRIBE filter without QoS byte", bytes: frame(0x82, u16(1) + field("a/b")),
            error: .truncated(.subscribe), statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "SUBSCRIBE second filter cut short",
            bytes: frame(0x82, u16(1) + field("a") + [0x00, 0x00, 0x02, 0x61]),
            error: .truncated(.subscribe), statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "SUBACK without return codes", bytes: hex("90 02 00 01"), error: .truncated(.subAck),
            statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "SUBACK with one byte", bytes: hex("90 01 00"), error: .truncated(.subAck),
            statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "UNSUBSCRIBE filter cut short", bytes: hex("A2 05 00 01 00 03 61"), error: .truncated(.unsubscribe),
            statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "UNSUBACK with one byte", bytes: hex("B0 01 00"), error: .truncated(.unsubAck),
            statement: "MQTT-4.8.0-1"),
    ]

    static let trailing: [MalformedCase] = [
        MalformedCase(
            name: "CONNACK with three bytes", bytes: hex("20 03 00 00 00"), error: .unexpectedTrailingBytes(.connAck),
            statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "PUBACK with three bytes", bytes: hex("40 03 00 01 00"), error: .unexpectedTrailingBytes(.pubAck),
            statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "PUBREC with four bytes", bytes: hex("50 04 00 01 00 01"), error: .unexpectedTrailingBytes(.pubRec),
            statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "PUBREL with three bytes", bytes: hex("62 03 00 01 00"), error: .unexpectedTrailingBytes(.pubRel),
            statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "PUBCOMP with three bytes", bytes: hex("70 03 00 01 FF"), error: .unexpectedTrailingBytes(.pubComp),
            statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "UNSUBACK with three bytes", bytes: hex("B0 03 00 01 00"), error: .unexpectedTrailingBytes(.unsubAck),
            statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "PINGREQ with a body", bytes: hex("C0 01 00"), error: .unexpectedTrailingBytes(.pingReq),
            statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "PINGRESP with a body", bytes: hex("D0 01 00"), error: .unexpectedTrailingBytes(.pingResp),
            statement: "MQTT-4.8.0-1"),
        MalformedCase(
            name: "DISCONNECT with a body", bytes: hex("E0 02 00 00"), error: .unexpectedTrailingBytes(.disconnect),
            statement: "MQTT-4.8.0-1"),
    ]

    /// Ill-formed UTF-8 in a PUBLISH topic (section 1.5.3, Unicode table 3-7).
    static let illFormedUTF8: [MalformedCase] = [
        ("overlong '/' C0 AF", hex("C0 AF")),
        ("overlong C1 BF", hex("C1 BF")),
        ("overlong three-byte E0 80 AF", hex("E0 80 AF")),
        ("overlong four-byte F0 80 80 AF", hex("F0 80 80 AF")),
        ("surrogate U+D800 ED A0 80", hex("ED A0 80")),
        ("surrogate U+DFFF ED BF BF", hex("ED BF BF")),
        ("above U+10FFFF F4 90 80 80", hex("F4 90 80 80")),
        ("lead byte F5", hex("F5 80 80 80")),
        ("byte FE", hex("FE")),
        ("byte FF", hex("FF")),
        ("lone continuation byte", hex("61 80 62")),
        ("truncated two-byte sequence at the end", hex("61 C3")),
        ("truncated three-byte sequence at the end", hex("E6 97")),
        ("truncated four-byte sequence before ASCII", hex("F0 AA 9B 61")),
        ("three-byte sequence with ASCII inside", hex("E6 41 A5")),
    ].map { name, bytes in
        MalformedCase(
            name: "PUBLISH topic: \(name)", bytes: publishFrame(topicBytes: bytes), error: .invalidUTF8(.publish),
            statement: "MQTT-1.5.3-1")
    }

    static let strings: [MalformedCase] = [
        MalformedCase(
            name: "U+0000 in PUBLISH topic", bytes: publishFrame(topicBytes: hex("61 00 62")),
            error: .nullCharacter(.publish),
            statement: "MQTT-1.5.3-2"),
        MalformedCase(
            name: "ill-formed SUBSCRIBE filter", bytes: subscribeFrame(filterBytes: hex("61 2F ED A0 80")),
            error: .invalidUTF8(.subscribe), statement: "MQTT-1.5.3-1"),
        MalformedCase(
            name: "U+0000 in SUBSCRIBE filter", bytes: subscribeFrame(filterBytes: hex("23 00")),
            error: .nullCharacter(.subscribe), statement: "MQTT-1.5.3-2"),
        MalformedCase(
            name: "ill-formed UNSUBSCRIBE filter", bytes: unsubscribeFrame(filterBytes: hex("E0 80 AF")),
            error: .invalidUTF8(.unsubscribe), statement: "MQTT-1.5.3-1"),
        MalformedCase(
            name: "U+0000 in UNSUBSCRIBE filter", bytes: unsubscribeFrame(filterBytes: hex("00")),
            error: .nullCharacter(.unsubscribe), statement: "MQTT-1.5.3-2"),
    ]

    static let packetIDs: [MalformedCase] = [
        MalformedCase(
            name: "PUBLISH QoS 1 with packet id 0", bytes: hex("32 07 00 03 61 2F 62 00 00"),
            error: .zeroPacketID(.publish), statement: "MQTT-2.3.1-1"),
        MalformedCase(
            name: "PUBLISH QoS 2 with packet id 0", bytes: hex("34 05 00 01 61 00 00"), error: .zeroPacketID(.publish),
            statement: "MQTT-2.3.1-1"),
        MalformedCase(
            name: "PUBACK with packet id 0", bytes: hex("40 02 00 00"), error: .zeroPacketID(.pubAck),
            statement: "MQTT-2.3.1-1"),
        MalformedCase(
            name: "PUBREC with packet id 0", bytes: hex("50 02 00 00"), error: .zeroPacketID(.pubRec),
            statement: "MQTT-2.3.1-1"),
        MalformedCase(
            name: "PUBREL with packet id 0", bytes: hex("62 02 00 00"), error: .zeroPacketID(.pubRel),
            statement: "MQTT-2.3.1-1"),
        MalformedCase(
            name: "PUBCOMP with packet id 0", bytes: hex("70 02 00 00"), error: .zeroPacketID(.pubComp),
            statement: "MQTT-2.3.1-1"),
        MalformedCase(
            name: "SUBSCRIBE with packet id 0", bytes: frame(0x82, u16(0) + field("a") + [0x00]),
            error: .zeroPacketID(.subscribe), statement: "MQTT-2.3.1-1"),
        MalformedCase(
            name: "SUBACK with packet id 0", bytes: hex("90 03 00 00 00"), error: .zeroPacketID(.subAck),
            statement: "MQTT-2.3.1-1"),
        MalformedCase(
            name: "UNSUBSCRIBE with packet id 0", bytes: frame(0xA2, u16(0) + field("a")),
            error: .zeroPacketID(.unsubscribe), statement: "MQTT-2.3.1-1"),
        MalformedCase(
            name: "UNSUBACK with packet id 0", bytes: hex("B0 02 00 00"), error: .zeroPacketID(.unsubAck),
            statement: "MQTT-2.3.1-1"),
    ]

    static let subscriptions: [MalformedCase] =
        [
            MalformedCase(
                name: "SUBSCRIBE without filters", bytes: hex("82 02 00 01"), error: .noTopicFilters(.subscribe),
                statement: "MQTT-3.8.3-3"),
            MalformedCase(
                name: "UNSUBSCRIBE without filters", bytes: hex("A2 02 00 01"), error: .noTopicFilters(.unsubscribe),
                statement: "MQTT-3.10.3-2"),
        ]
        + [UInt8(0x03), 0x04, 0x05, 0x08, 0x40, 0x80, 0x81, 0xFC, 0xFF].map { byte in
            MalformedCase(
                name: "SUBSCRIBE requested QoS byte 0x\(String(byte, radix: 16))",
                bytes: subscribeFrame(filterBytes: utf8("a"), qos: byte), error: .invalidRequestedQoS(byte),
                statement: "MQTT-3-8.3-4")
        }
        + [
            MalformedCase(
                name: "SUBSCRIBE second request QoS 3",
                bytes: frame(0x82, u16(1) + field("a") + [0x01] + field("b") + [0x03]),
                error: .invalidRequestedQoS(3), statement: "MQTT-3-8.3-4")
        ]

    static let topics: [MalformedCase] = [
        MalformedCase(
            name: "PUBLISH topic with +", bytes: publishFrame(topicBytes: utf8("a/+")),
            error: .invalidTopicName(.wildcardInTopicName), statement: "MQTT-3.3.2-2"),
        MalformedCase(
            name: "PUBLISH topic #", bytes: publishFrame(topicBytes: utf8("#")),
            error: .invalidTopicName(.wildcardInTopicName), statement: "MQTT-3.3.2-2"),
        MalformedCase(
            name: "PUBLISH topic with + inside a level", bytes: publishFrame(topicBytes: utf8("a+b")),
            error: .invalidTopicName(.wildcardInTopicName), statement: "MQTT-3.3.2-2"),
        MalformedCase(
            name: "PUBLISH QoS 1 topic with #", bytes: frame(0x32, field("sport/#") + u16(5)),
            error: .invalidTopicName(.wildcardInTopicName), statement: "MQTT-3.3.2-2"),
        MalformedCase(
            name: "PUBLISH empty topic", bytes: hex("30 02 00 00"), error: .invalidTopicName(.empty),
            statement: "MQTT-4.7.3-1"),
        MalformedCase(
            name: "SUBSCRIBE empty filter", bytes: subscribeFrame(filterBytes: []), error: .invalidTopicFilter(.empty),
            statement: "MQTT-4.7.3-1"),
        MalformedCase(
            name: "UNSUBSCRIBE empty filter", bytes: unsubscribeFrame(filterBytes: []),
            error: .invalidTopicFilter(.empty),
            statement: "MQTT-4.7.3-1"),
        MalformedCase(
            name: "SUBSCRIBE # not last", bytes: subscribeFrame(filterBytes: utf8("a/#/b")),
            error: .invalidTopicFilter(.misplacedMultiLevelWildcard), statement: "MQTT-4.7.1-2"),
        MalformedCase(
            name: "SUBSCRIBE # sharing a level", bytes: subscribeFrame(filterBytes: utf8("sport/tennis#")),
            error: .invalidTopicFilter(.misplacedMultiLevelWildcard), statement: "MQTT-4.7.1-2"),
        MalformedCase(
            name: "SUBSCRIBE #/", bytes: subscribeFrame(filterBytes: utf8("#/")),
            error: .invalidTopicFilter(.misplacedMultiLevelWildcard), statement: "MQTT-4.7.1-2"),
        MalformedCase(
            name: "SUBSCRIBE + sharing a level", bytes: subscribeFrame(filterBytes: utf8("sport+")),
            error: .invalidTopicFilter(.misplacedSingleLevelWildcard), statement: "MQTT-4.7.1-3"),
        MalformedCase(
            name: "SUBSCRIBE ++", bytes: subscribeFrame(filterBytes: utf8("a/++")),
            error: .invalidTopicFilter(.misplacedSingleLevelWildcard), statement: "MQTT-4.7.1-3"),
        MalformedCase(
            name: "UNSUBSCRIBE # not last", bytes: unsubscribeFrame(filterBytes: utf8("#/a")),
            error: .invalidTopicFilter(.misplacedMultiLevelWildcard), statement: "MQTT-4.7.1-2"),
        MalformedCase(
            name: "UNSUBSCRIBE + sharing a level", bytes: unsubscribeFrame(filterBytes: utf8("+a/b")),
            error: .invalidTopicFilter(.misplacedSingleLevelWildcard), statement: "MQTT-4.7.1-3"),
    ]

    static let acknowledgements: [MalformedCase] = [
        MalformedCase(
            name: "CONNACK reserved flag bit 1", bytes: hex("20 02 02 00"), error: .invalidConnAckFlags(0x02),
            statement: "MQTT-3.2.2.1"),
        MalformedCase(
            name: "CONNACK reserved flag bit 7", bytes: hex("20 02 81 00"), error: .invalidConnAckFlags(0x81),
            statement: "MQTT-3.2.2.1"),
        MalformedCase(
            name: "CONNACK return code 6", bytes: hex("20 02 00 06"), error: .reservedConnectReturnCode(6),
            statement: "MQTT-3.2.2.3"),
        MalformedCase(
            name: "CONNACK return code 255", bytes: hex("20 02 00 FF"), error: .reservedConnectReturnCode(255),
            statement: "MQTT-3.2.2.3"),
        MalformedCase(
            name: "CONNACK session present with refusal 1", bytes: hex("20 02 01 01"),
            error: .sessionPresentWithRefusal,
            statement: "MQTT-3.2.2-4"),
        MalformedCase(
            name: "CONNACK session present with refusal 5", bytes: hex("20 02 01 05"),
            error: .sessionPresentWithRefusal,
            statement: "MQTT-3.2.2-4"),
        MalformedCase(
            name: "SUBACK return code 3", bytes: hex("90 03 00 01 03"), error: .invalidSubAckReturnCode(3),
            statement: "MQTT-3.9.3-2"),
        MalformedCase(
            name: "SUBACK return code 0x81 after valid codes", bytes: hex("90 05 00 01 00 80 81"),
            error: .invalidSubAckReturnCode(0x81), statement: "MQTT-3.9.3-2"),
        MalformedCase(
            name: "SUBACK return code 0x40", bytes: hex("90 03 00 01 40"), error: .invalidSubAckReturnCode(0x40),
            statement: "MQTT-3.9.3-2"),
    ]

    static let all: [MalformedCase] =
        fixedHeader + connect + truncated + trailing + illFormedUTF8 + strings + packetIDs + subscriptions + topics
        + acknowledgements
}

@Suite struct MalformedInputTests {
    @Test(arguments: MalformedCases.all)
    func packetDecoderRejects(_ row: MalformedCase) {
        var buffer = ByteBuffer(bytes: row.bytes)
        #expect(throws: row.error) {
            _ = try PacketDecoder(maximumRemainingLength: row.limit).decode(from: &buffer)
        }
        #expect(row.error.normativeStatement == row.statement)
    }

    /// The broker's fast paths for PUBLISH and the acknowledgements refuse exactly what the
    /// decoder refuses: a malformed PUBLISH throws the same error, anything else is left alone.
    @Test(arguments: MalformedCases.all)
    func fastPathsRejectOrLeaveAlone(_ row: MalformedCase) {
        var buffer = ByteBuffer(bytes: row.bytes)
        #expect(PublishAcknowledgement.decodeIfNext(from: &buffer) == nil)
        let isPublish = row.bytes.first.map { $0 >> 4 == PacketType.publish.rawValue } ?? false
        do {
            let layout = try PacketDecoder(maximumRemainingLength: row.limit).peekPublish(in: buffer)
            #expect(layout == nil, "a malformed packet laid out")
            #expect(!isPublish || row.error == .truncated(.publish) || row.bytes.count < 2, "PUBLISH not refused")
            #expect(buffer.bytes == row.bytes, "left as it was")
        } catch {
            #expect(isPublish && error == row.error)
        }
    }

    @Test(arguments: MalformedCases.all)
    func frameDecoderRejects(_ row: MalformedCase) {
        var decoder = FrameDecoder(maximumRemainingLength: row.limit)
        decoder.feed(row.bytes)
        #expect(throws: row.error) {
            _ = try decoder.next()
        }
    }

    /// However the bytes arrive, no strict prefix yields a packet or a different error: a prefix is
    /// either "need more bytes" or already the same verdict (for errors in the fixed header).
    @Test(arguments: MalformedCases.all)
    func everyPrefixIsIncompleteOrTheSameError(_ row: MalformedCase) {
        for length in 0..<row.bytes.count {
            var buffer = ByteBuffer(bytes: row.bytes[..<length])
            do {
                let packet = try PacketDecoder(maximumRemainingLength: row.limit).decode(from: &buffer)
                #expect(packet == nil, "prefix of \(length) bytes decoded to \(String(describing: packet))")
            } catch {
                #expect(error == row.error, "prefix of \(length) bytes")
            }
        }
    }

    @Test(arguments: MalformedCases.all)
    func errorDescriptionNamesTheStatement(_ row: MalformedCase) {
        #expect(row.error.description.hasSuffix("[\(row.statement)]"))
    }

    @Test func errorsInTheFirstByteNeedNoMoreBytes() {
        for first: UInt8 in [0x00, 0xF0, 0x36, 0x11, 0x60, 0x83, 0xA0, 0xE1] {
            var decoder = FrameDecoder()
            decoder.feed([first])
            #expect(throws: DecodeError.self, "first byte 0x\(String(first, radix: 16))") { _ = try decoder.next() }
        }
    }

    @Test func oversizedPacketIsRefusedBeforeItsBodyIsBuffered() throws {
        var decoder = FrameDecoder(maximumRemainingLength: 1024)
        decoder.feed(hex("30 FF FF 03"))  // 65535 bytes announced, none sent
        #expect(decoder.bufferedBytes == 4)
        #expect(throws: DecodeError.packetTooLarge(remainingLength: 65535, limit: 1024)) { _ = try decoder.next() }
    }

    @Test func packetAtTheLimitIsAccepted() throws {
        var decoder = FrameDecoder(maximumRemainingLength: 9)
        decoder.feed(SpecVectors.publish[2].bytes)  // remaining length 9
        #expect(try decoder.next() == SpecVectors.publish[2].packet)
    }

    @Test func fourByteRemainingLengthIsOnlyIncompleteUnderTheDefaultLimit() throws {
        var decoder = FrameDecoder()
        decoder.feed(hex("30 FF FF FF 7F"))
        #expect(try decoder.next() == nil)
    }

    @Test func limitAboveTheProtocolMaximumIsClamped() {
        #expect(PacketDecoder(maximumRemainingLength: .max).maximumRemainingLength == ByteBuffer.maximumRemainingLength)
    }

    @Test func passwordWithoutUserNameIsAcceptedFromMQTT31() throws {
        let bytes = connectFrame(flags: 0x42, payload: field("c") + field("p"), name: "MQIsdp", level: 3)
        var buffer = ByteBuffer(bytes: bytes)
        let packet = try PacketDecoder().decode(from: &buffer)
        #expect(packet == .connect(Connect(protocolVersion: .v3_1, clientID: "c", password: payload("p"))))
    }

    @Test func everyDecodeErrorCaseHasARow() {
        let seen = Set(MalformedCases.all.map { caseName($0.error) })
        #expect(seen == Set(DecodeErrorCase.allCases))
    }
}

/// The cases of `DecodeError` without their payloads. The switch in `caseName` is exhaustive, so a
/// new error case does not compile until it is added here, and then fails the coverage test until
/// a malformed row produces it.
enum DecodeErrorCase: CaseIterable {
    case reservedPacketType, invalidFlags, malformedRemainingLength, packetTooLarge, truncated
    case unexpectedTrailingBytes, invalidUTF8, nullCharacter, invalidProtocolName, unsupportedProtocolLevel
    case connectReservedFlagSet, willOptionsWithoutWill, invalidWillQoS, passwordWithoutUsername, invalidQoS
    case zeroPacketID, invalidTopicName, invalidTopicFilter, noTopicFilters, invalidRequestedQoS
    case invalidConnAckFlags, reservedConnectReturnCode, sessionPresentWithRefusal, invalidSubAckReturnCode
}

func caseName(_ error: DecodeError) -> DecodeErrorCase {
    switch error {
    case .reservedPacketType: .reservedPacketType
    case .invalidFlags: .invalidFlags
    case .malformedRemainingLength: .malformedRemainingLength
    case .packetTooLarge: .packetTooLarge
    case .truncated: .truncated
    case .unexpectedTrailingBytes: .unexpectedTrailingBytes
    case .invalidUTF8: .invalidUTF8
    case .nullCharacter: .nullCharacter
    case .invalidProtocolName: .invalidProtocolName
    case .unsupportedProtocolLevel: .unsupportedProtocolLevel
    case .connectReservedFlagSet: .connectReservedFlagSet
    case .willOptionsWithoutWill: .willOptionsWithoutWill
    case .invalidWillQoS: .invalidWillQoS
    case .passwordWithoutUsername: .passwordWithoutUsername
    case .invalidQoS: .invalidQoS
    case .zeroPacketID: .zeroPacketID
    case .invalidTopicName: .invalidTopicName
    case .invalidTopicFilter: .invalidTopicFilter
    case .noTopicFilters: .noTopicFilters
    case .invalidRequestedQoS: .invalidRequestedQoS
    case .invalidConnAckFlags: .invalidConnAckFlags
    case .reservedConnectReturnCode: .reservedConnectReturnCode
    case .sessionPresentWithRefusal: .sessionPresentWithRefusal
    case .invalidSubAckReturnCode: .invalidSubAckReturnCode
    }
}

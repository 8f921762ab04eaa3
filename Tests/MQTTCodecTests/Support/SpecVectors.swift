import MQTTCodec
import Testing

// Hand-written wire bytes for every control packet of MQTT 3.1.1 (chapter 3), each paired with the
// value it must decode to and encode from. Bytes are typed out in hex, not produced by the codec.

/// One valid packet: its exact wire form and its value.
struct SpecVector: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: [UInt8]
    let packet: Packet

    var testDescription: String { name }
}

/// A topic name the test knows to be valid; traps on a mistyped vector.
func topic(_ string: String) -> TopicName {
    do { return try TopicName(string) } catch { preconditionFailure("invalid topic name in a vector: \(error)") }
}

/// A topic filter the test knows to be valid; traps on a mistyped vector.
func filter(_ string: String) -> TopicFilter {
    do { return try TopicFilter(string) } catch { preconditionFailure("invalid topic filter in a vector: \(error)") }
}

func payload(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }
func payload(_ string: String) -> ByteBuffer { ByteBuffer(string: string) }

enum SpecVectors {
    static let connect: [SpecVector] = [
        SpecVector(
            name: "CONNECT minimal, clean session, keep alive 60",
            bytes: hex("10 0F 00 04 4D 51 54 54 04 02 00 3C 00 03 61 62 63"),
            packet: .connect(Connect(clientID: "abc", cleanSession: true, keepAlive: 60))),
        SpecVector(
            name: "CONNECT will QoS 1 retained, user name, password, persistent session",
            bytes: hex(
                """
                10 23 00 04 4D 51 54 54 04 EC 00 0A 00 03 63 69 64 00 03 77 2F 74 00 03 62 79 65
                00 04 75 73 65 72 00 02 70 77
                """),
            packet: .connect(
                Connect(
                    clientID: "cid", cleanSession: false, keepAlive: 10,
                    will: Will(topic: topic("w/t"), payload: payload("bye"), qos: .atLeastOnce, retain: true),
                    username: "user", password: payload("pw")))),
        SpecVector(
            name: "CONNECT will QoS 2 with empty will message",
            bytes: hex("10 12 00 04 4D 51 54 54 04 16 00 00 00 01 63 00 01 61 00 00"),
            packet: .connect(
                Connect(
                    clientID: "c", keepAlive: 0,
                    will: Will(topic: topic("a"), payload: payload([]), qos: .exactlyOnce)))),
        SpecVector(
            name: "CONNECT empty client id with user name only",
            bytes: hex("10 0F 00 04 4D 51 54 54 04 82 00 00 00 00 00 01 75"),
            packet: .connect(Connect(clientID: "", keepAlive: 0, username: "u"))),
        SpecVector(
            name: "CONNECT user name and binary password",
            bytes: hex("10 16 00 04 4D 51 54 54 04 C0 FF FF 00 01 78 00 02 C3 A9 00 03 00 FF 7F"),
            packet: .connect(
                Connect(
                    clientID: "x", cleanSession: false, keepAlive: 65535, username: "é",
                    password: payload([0x00, 0xFF, 0x7F])))),
        SpecVector(
            name: "CONNECT MQTT 3.1 (MQIsdp, level 3) with password but no user name",
            bytes: hex("10 15 00 06 4D 51 49 73 64 70 03 42 00 1E 00 03 63 33 31 00 02 00 FF"),
            packet: .connect(
                Connect(
                    protocolVersion: .v3_1, clientID: "c31", keepAlive: 30, password: payload([0x00, 0xFF])))),
        SpecVector(
            name: "CONNECT MQTT 3.1 (MQIsdp, level 3) with will and user name",
            bytes: hex(
                """
                10 1B 00 06 4D 51 49 73 64 70 03 A6 00 05 00 01 41 00 03 24 2F 77 00 01 21 00 02 75 31
                """),
            packet: .connect(
                Connect(
                    protocolVersion: .v3_1, clientID: "A", keepAlive: 5,
                    will: Will(topic: topic("$/w"), payload: payload("!"), qos: .atMostOnce, retain: true),
                    username: "u1"))),
    ]

    static let connAck: [SpecVector] =
        [
            SpecVector(
                name: "CONNACK accepted, session present",
                bytes: hex("20 02 01 00"),
                packet: .connAck(ConnAck(sessionPresent: true, returnCode: .accepted)))
        ]
        + ConnectReturnCode.allCases.map { code in
            SpecVector(
                name: "CONNACK return code \(code.rawValue)",
                bytes: [0x20, 0x02, 0x00, code.rawValue],
                packet: .connAck(ConnAck(sessionPresent: false, returnCode: code)))
        }

    static let publish: [SpecVector] = [
        SpecVector(
            name: "PUBLISH QoS 0",
            bytes: hex("30 07 00 03 61 2F 62 68 69"),
            packet: .publish(Publish(topic: topic("a/b"), payload: payload("hi")))),
        SpecVector(
            name: "PUBLISH QoS 0 retained, empty payload",
            bytes: hex("31 05 00 03 61 2F 62"),
            packet: .publish(Publish(topic: topic("a/b"), payload: payload([]), retain: true))),
        SpecVector(
            name: "PUBLISH QoS 1",
            bytes: hex("32 09 00 03 61 2F 62 00 07 68 69"),
            packet: .publish(Publish(topic: topic("a/b"), payload: payload("hi"), qos: .atLeastOnce, packetID: 7))),
        SpecVector(
            name: "PUBLISH QoS 1 dup",
            bytes: hex("3A 09 00 03 61 2F 62 00 07 68 69"),
            packet: .publish(
                Publish(topic: topic("a/b"), payload: payload("hi"), qos: .atLeastOnce, packetID: 7, dup: true))),
        SpecVector(
            name: "PUBLISH QoS 2",
            bytes: hex("34 08 00 01 74 12 34 01 02 03"),
            packet: .publish(
                Publish(topic: topic("t"), payload: payload([1, 2, 3]), qos: .exactlyOnce, packetID: 0x1234))),
        SpecVector(
            name: "PUBLISH QoS 2 dup retained, packet id 65535",
            bytes: hex("3D 0A 00 03 61 2F 62 FF FF 01 02 03"),
            packet: .publish(
                Publish(
                    topic: topic("a/b"), payload: payload([1, 2, 3]), qos: .exactlyOnce, packetID: 65535,
                    retain: true, dup: true))),
        SpecVector(
            name: "PUBLISH topic with BOM, two-, three-byte UTF-8 [MQTT-1.5.3-3]",
            bytes: hex("30 0E 00 0C EF BB BF C3 A9 2F E6 97 A5 E6 9C AC"),
            packet: .publish(Publish(topic: topic("\u{FEFF}é/日本"), payload: payload([])))),
        SpecVector(
            name: "PUBLISH topic with a four-byte UTF-8 character (section 1.5.3 example)",
            bytes: hex("30 07 00 05 41 F0 AA 9B 94"),
            packet: .publish(Publish(topic: topic("A\u{2A6D4}"), payload: payload([])))),
        SpecVector(
            name: "PUBLISH to $SYS with empty levels",
            bytes: hex("30 09 00 07 24 53 59 53 2F 2F 78"),
            packet: .publish(Publish(topic: topic("$SYS//x"), payload: payload([])))),
        SpecVector(
            name: "PUBLISH with a two-byte remaining length (203)",
            bytes: hex("30 CB 01 00 01 74") + [UInt8](repeating: 0xAB, count: 200),
            packet: .publish(Publish(topic: topic("t"), payload: payload([UInt8](repeating: 0xAB, count: 200))))),
    ]

    static let acknowledgements: [SpecVector] = [
        SpecVector(name: "PUBACK", bytes: hex("40 02 00 01"), packet: .pubAck(PubAck(packetID: 1))),
        SpecVector(name: "PUBREC", bytes: hex("50 02 12 34"), packet: .pubRec(PubRec(packetID: 0x1234))),
        SpecVector(name: "PUBREL (flags 0010)", bytes: hex("62 02 FF FF"), packet: .pubRel(PubRel(packetID: 65535))),
        SpecVector(name: "PUBCOMP", bytes: hex("70 02 00 2A"), packet: .pubComp(PubComp(packetID: 42))),
        SpecVector(name: "UNSUBACK", bytes: hex("B0 02 00 0B"), packet: .unsubAck(UnsubAck(packetID: 11))),
    ]

    static let subscriptions: [SpecVector] = [
        SpecVector(
            name: "SUBSCRIBE three filters, QoS 0, 1, 2",
            bytes: hex("82 12 00 0A 00 03 61 2F 2B 00 00 03 62 2F 23 01 00 01 23 02"),
            packet: .subscribe(
                Subscribe(
                    packetID: 10,
                    requests: [
                        .init(filter: filter("a/+"), qos: .atMostOnce),
                        .init(filter: filter("b/#"), qos: .atLeastOnce),
                        .init(filter: filter("#"), qos: .exactlyOnce),
                    ]))),
        SpecVector(
            name: "SUBSCRIBE one filter with empty levels",
            bytes: hex("82 08 01 00 00 03 2F 2B 2F 01"),
            packet: .subscribe(Subscribe(packetID: 256, requests: [.init(filter: filter("/+/"), qos: .atLeastOnce)]))),
        SpecVector(
            name: "SUBACK granted 0, 1, 2 and failure 0x80",
            bytes: hex("90 06 00 0A 00 01 02 80"),
            packet: .subAck(
                SubAck(
                    packetID: 10,
                    returnCodes: [.granted(.atMostOnce), .granted(.atLeastOnce), .granted(.exactlyOnce), .failure]))),
        SpecVector(
            name: "SUBACK single failure",
            bytes: hex("90 03 00 01 80"),
            packet: .subAck(SubAck(packetID: 1, returnCodes: [.failure]))),
        SpecVector(
            name: "UNSUBSCRIBE two filters",
            bytes: hex("A2 0F 00 0B 00 03 61 2F 2B 00 06 24 53 59 53 2F 23"),
            packet: .unsubscribe(Unsubscribe(packetID: 11, filters: [filter("a/+"), filter("$SYS/#")]))),
    ]

    static let bodiless: [SpecVector] = [
        SpecVector(name: "PINGREQ", bytes: hex("C0 00"), packet: .pingReq),
        SpecVector(name: "PINGRESP", bytes: hex("D0 00"), packet: .pingResp),
        SpecVector(name: "DISCONNECT", bytes: hex("E0 00"), packet: .disconnect),
    ]

    /// Every vector, in the order of chapter 3.
    static let all: [SpecVector] = connect + connAck + publish + acknowledgements + subscriptions + bodiless
}

import MQTTCodec

// Random valid packets of every type, from a seeded generator. "Valid" means what a conforming
// sender may put on the wire: well-formed UTF-8 without U+0000, topic names without wildcards,
// filters with wildcards only where section 4.7.1 allows them, DUP only with QoS 1/2
// [MQTT-3.3.1-2], a password without user name only from MQTT 3.1 [MQTT-3.1.2-22].

/// Builds random valid packets; every choice comes from `random`, so a seed replays a run.
struct RandomPackets {
    var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    /// Characters of one to four UTF-8 bytes, including a BOM, a non-character, a control
    /// character, and the `$` and space that topics may hold.
    static let scalars: [Unicode.Scalar] = [
        "a", "b", "z", "0", "$", " ", "-", "\u{01}", "\u{7F}", "\u{E9}", "\u{301}", "\u{7FF}", "\u{800}", "\u{FEFF}",
        "\u{FFFF}", "\u{65E5}", "\u{10000}", "\u{2A6D4}", "\u{10FFFF}",
    ]

    mutating func packet() -> Packet {
        switch Int.random(in: 0..<14, using: &random) {
        case 0: .connect(connect())
        case 1:
            .connAck(
                random.chance(1, in: 2)
                    ? ConnAck(sessionPresent: random.chance(1, in: 2), returnCode: .accepted)
                    : ConnAck(sessionPresent: false, returnCode: random.pick(ConnectReturnCode.allCases)))
        case 2, 3: .publish(publish())
        case 4: .pubAck(PubAck(packetID: packetID()))
        case 5: .pubRec(PubRec(packetID: packetID()))
        case 6: .pubRel(PubRel(packetID: packetID()))
        case 7: .pubComp(PubComp(packetID: packetID()))
        case 8: .subscribe(subscribe())
        case 9:
            .subAck(
                SubAck(
                    packetID: packetID(),
                    returnCodes: (0..<Int.random(in: 1...8, using: &random)).map { _ in
                        random.chance(1, in: 4) ? .failure : .granted(qos())
                    }))
        case 10:
            .unsubscribe(
                Unsubscribe(
                    packetID: packetID(), filters: (0..<Int.random(in: 1...5, using: &random)).map { _ in filter() }))
        case 11: .unsubAck(UnsubAck(packetID: packetID()))
        case 12: random.chance(1, in: 2) ? .pingReq : .pingResp
        default: .disconnect
        }
    }

    mutating func connect() -> Connect {
        let version: ProtocolVersion = random.chance(1, in: 4) ? .v3_1 : .v3_1_1
        let username = random.chance(1, in: 2) ? string(maxLength: 12) : nil
        let mayHavePassword = username != nil || version == .v3_1
        let password = mayHavePassword && random.chance(1, in: 2) ? bytes(maxLength: 12) : nil
        let will =
            random.chance(1, in: 2)
            ? Will(topic: topicName(), payload: bytes(maxLength: 40), qos: qos(), retain: random.chance(1, in: 2))
            : nil
        return Connect(
            protocolVersion: version, clientID: string(maxLength: 23), cleanSession: random.chance(1, in: 2),
            keepAlive: random.chance(1, in: 4) ? 0 : UInt16.random(in: 0...UInt16.max, using: &random), will: will,
            username: username, password: password)
    }

    mutating func publish() -> Publish {
        let qos = qos()
        // Mostly small payloads; some cross the one-, two- and three-byte remaining-length bounds.
        let payloadLength =
            switch Int.random(in: 0..<100, using: &random) {
            case 0: Int.random(in: 16_000...17_000, using: &random)
            case 1..<10: Int.random(in: 100...300, using: &random)
            default: Int.random(in: 0...40, using: &random)
            }
        return Publish(
            topic: topicName(), payload: ByteBuffer(bytes: random.bytes(payloadLength)), qos: qos,
            packetID: qos == .atMostOnce ? nil : packetID(), retain: random.chance(1, in: 2),
            dup: qos != .atMostOnce && random.chance(1, in: 3))
    }

    mutating func subscribe() -> Subscribe {
        Subscribe(
            packetID: packetID(),
            requests: (0..<Int.random(in: 1...5, using: &random)).map { _ in .init(filter: filter(), qos: qos()) })
    }

    mutating func qos() -> QoS { random.pick(QoS.allCases) }

    mutating func packetID() -> PacketID {
        PacketID(
            rawValue: random.chance(1, in: 8)
                ? random.pick([1, 2, 0xFF, 0x100, 0xFFFF]) : UInt16.random(in: 1...UInt16.max, using: &random))!
    }

    /// A string of valid scalars, none of them U+0000, possibly empty.
    mutating func string(maxLength: Int) -> String {
        var string = ""
        for _ in 0..<Int.random(in: 0...maxLength, using: &random) {
            string.unicodeScalars.append(random.pick(Self.scalars))
        }
        return string
    }

    mutating func bytes(maxLength: Int) -> ByteBuffer {
        ByteBuffer(bytes: random.bytes(Int.random(in: 0...maxLength, using: &random)))
    }

    /// One to five levels, any of which may be empty, never the empty string.
    mutating func topicName() -> TopicName {
        while true {
            let levels = (0..<Int.random(in: 1...5, using: &random)).map { _ in level() }
            if let name = try? TopicName(levels.joined(separator: "/")) { return name }
        }
    }

    mutating func filter() -> TopicFilter {
        while true {
            var levels = (0..<Int.random(in: 1...5, using: &random)).map { _ in
                random.chance(1, in: 4) ? "+" : level()
            }
            if random.chance(1, in: 4) { levels.append("#") }
            if let filter = try? TopicFilter(levels.joined(separator: "/")) { return filter }
        }
    }

    private mutating func level() -> String {
        random.chance(1, in: 6) ? random.pick(["", "$SYS", "$"]) : string(maxLength: 6)
    }
}

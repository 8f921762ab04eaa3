// CONNECT (section 3.1):
//   variable header: protocol name (MQTT string), level (1 byte), connect flags, keep alive (UInt16)
//   flags:  bit 7 user name | 6 password | 5 will retain | 4-3 will QoS | 2 will | 1 clean session | 0 reserved
//   payload, in this order, each present only if its flag says so: client id, will topic, will
//   message, user name, password.

/// The protocol a client speaks: MQTT 3.1.1 (`MQTT`, level 4) or MQTT 3.1 (`MQIsdp`, level 3),
/// which Mosquitto also accepts.
public enum ProtocolVersion: UInt8, Sendable, Hashable {
    case v3_1 = 3
    case v3_1_1 = 4

    /// The protocol name this level goes with.
    public var protocolName: String { self == .v3_1 ? "MQIsdp" : "MQTT" }
}

/// The message the server publishes when a client goes away without DISCONNECT (section 3.1.2.5).
public struct Will: Sendable, Hashable {
    public var topic: TopicName
    public var payload: ByteBuffer
    public var qos: QoS
    public var retain: Bool

    public init(topic: TopicName, payload: ByteBuffer, qos: QoS = .atMostOnce, retain: Bool = false) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
    }
}

/// CONNECT: the first packet a client sends.
public struct Connect: PacketBody {
    static let packetType = PacketType.connect

    public var protocolVersion: ProtocolVersion
    public var clientID: String
    public var cleanSession: Bool
    /// Seconds; zero turns the keep alive mechanism off.
    public var keepAlive: UInt16
    public var will: Will?
    public var username: String?
    public var password: ByteBuffer?

    public init(
        protocolVersion: ProtocolVersion = .v3_1_1, clientID: String, cleanSession: Bool = true,
        keepAlive: UInt16 = 60, will: Will? = nil, username: String? = nil, password: ByteBuffer? = nil
    ) {
        self.protocolVersion = protocolVersion
        self.clientID = clientID
        self.cleanSession = cleanSession
        self.keepAlive = keepAlive
        self.will = will
        self.username = username
        self.password = password
    }

    var connectFlags: UInt8 {
        var flags: UInt8 = 0
        if username != nil { flags |= 0x80 }
        if password != nil { flags |= 0x40 }
        if let will {
            flags |= 0x04 | will.qos.rawValue << 3
            if will.retain { flags |= 0x20 }
        }
        if cleanSession { flags |= 0x02 }
        return flags
    }

    var remainingLength: Int {
        var length = protocolVersion.protocolName.mqttEncodedSize + 1 + 1 + 2 + clientID.mqttEncodedSize
        if let will { length += 2 + will.topic.bytes.readableBytes + 2 + will.payload.readableBytes }
        if let username { length += username.mqttEncodedSize }
        if let password { length += 2 + password.readableBytes }
        return length
    }

    func writeBody(into buffer: inout ByteBuffer) {
        buffer.writeMQTTString(protocolVersion.protocolName)
        buffer.writeInteger(protocolVersion.rawValue)
        buffer.writeInteger(connectFlags)
        buffer.writeInteger(keepAlive)
        buffer.writeMQTTString(clientID)
        if let will {
            buffer.writeMQTTBinary(will.topic.bytes)
            buffer.writeMQTTBinary(will.payload)
        }
        if let username { buffer.writeMQTTString(username) }
        if let password { buffer.writeMQTTBinary(password) }
    }

    static func decode(body: inout ByteBuffer) throws(DecodeError) -> Connect {
        let version = try decodeProtocol(from: &body)
        guard let flags: UInt8 = body.readInteger(), let keepAlive: UInt16 = body.readInteger() else {
            throw .truncated(.connect)
        }
        guard flags & 0x01 == 0 else { throw .connectReservedFlagSet }  // [MQTT-3.1.2-3]
        let hasWill = flags & 0x04 != 0
        let willQoSBits = (flags >> 3) & 0x03
        let willRetain = flags & 0x20 != 0
        if !hasWill && (willQoSBits != 0 || willRetain) { throw .willOptionsWithoutWill }  // [MQTT-3.1.2-11]
        guard let willQoS = QoS(rawValue: willQoSBits) else { throw .invalidWillQoS }  // [MQTT-3.1.2-14]
        let hasUsername = flags & 0x80 != 0
        let hasPassword = flags & 0x40 != 0
        // [MQTT-3.1.2-22]; MQTT 3.1 allowed it, and Mosquitto accepts it from 3.1 clients.
        if hasPassword && !hasUsername && version == .v3_1_1 { throw .passwordWithoutUsername }

        let clientID = try body.readMQTTString(in: .connect)  // [MQTT-3.1.3-4]
        var will: Will?
        if hasWill {
            let topicBytes = try body.readMQTTStringBytes(in: .connect)  // [MQTT-3.1.3-10]
            let topic: TopicName
            do { topic = try TopicName(validating: topicBytes) } catch { throw .invalidTopicName(error) }
            guard let payload = body.readMQTTBinary() else { throw .truncated(.connect) }
            will = Will(topic: topic, payload: payload, qos: willQoS, retain: willRetain)
        }
        let username = hasUsername ? try body.readMQTTString(in: .connect) : nil  // [MQTT-3.1.3-11]
        var password: ByteBuffer?
        if hasPassword {
            guard let bytes = body.readMQTTBinary() else { throw .truncated(.connect) }
            password = bytes
        }
        guard body.readableBytes == 0 else { throw .unexpectedTrailingBytes(.connect) }
        return Connect(
            protocolVersion: version, clientID: clientID, cleanSession: flags & 0x02 != 0,
            keepAlive: keepAlive, will: will, username: username, password: password)
    }

    /// Reads protocol name and level: a wrong name is a protocol violation [MQTT-3.1.2-1]; a known name
    /// with a level we do not speak earns CONNACK 0x01 [MQTT-3.1.2-2].
    private static func decodeProtocol(from body: inout ByteBuffer) throws(DecodeError) -> ProtocolVersion {
        guard let nameBytes = body.readMQTTBinary() else { throw .truncated(.connect) }
        let name = nameBytes.readableString
        guard name == "MQTT" || name == "MQIsdp" else { throw .invalidProtocolName(name) }
        guard let level: UInt8 = body.readInteger() else { throw .truncated(.connect) }
        guard let version = ProtocolVersion(rawValue: level), version.protocolName == name else {
            throw .unsupportedProtocolLevel(level)
        }
        return version
    }
}

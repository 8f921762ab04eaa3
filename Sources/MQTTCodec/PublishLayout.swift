// Where the parts of a PUBLISH lie in its bytes, checked once. `Publish.decode` builds its value
// from it; a broker can instead copy the bytes it needs straight out of its read buffer, with no
// `Publish` (and no slices of the buffer) made and destroyed per message.

/// The validated layout of one whole PUBLISH; offsets count from the packet's first byte.
public struct PublishLayout: Sendable, Equatable {
    public let qos: QoS
    public let retain: Bool
    public let dup: Bool
    /// Present exactly when `qos` is above `atMostOnce` [MQTT-2.3.1-5].
    public let packetID: PacketID?
    /// The topic length field (2 bytes) and the topic: `topicField.lowerBound + 2 ..< upperBound`
    /// holds the topic.
    public let topicField: Range<Int>
    public let payload: Range<Int>

    /// The length of the whole packet.
    public var packetLength: Int { payload.upperBound }
    public var topic: Range<Int> { (topicField.lowerBound + 2)..<topicField.upperBound }

    /// Checks the variable header of a PUBLISH whose fixed header has `flags` and whose body is
    /// `packet[bodyStart...]`. Errors in the order `Publish.decode` has always reported them.
    static func parse(flags: UInt8, packet: UnsafeRawBufferPointer, bodyStart: Int) throws(DecodeError) -> PublishLayout {
        guard let qos = QoS(rawValue: (flags >> 1) & 0x03) else { throw .invalidQoS }  // [MQTT-3.3.1-4]
        guard packet.count - bodyStart >= 2 else { throw .truncated(.publish) }
        let topicLength = Int(packet[bodyStart]) << 8 | Int(packet[bodyStart + 1])
        let topicEnd = bodyStart + 2 + topicLength
        guard topicEnd <= packet.count else { throw .truncated(.publish) }
        do {
            try TopicName.validate(UnsafeRawBufferPointer(rebasing: packet[(bodyStart + 2)..<topicEnd]))
        } catch {
            switch error {
            case .invalidUTF8: throw .invalidUTF8(.publish)  // [MQTT-3.3.2-1]
            case .nullCharacter: throw .nullCharacter(.publish)
            default: throw .invalidTopicName(error)
            }
        }
        var payloadStart = topicEnd
        var packetID: PacketID?
        if qos != .atMostOnce {
            guard packet.count - topicEnd >= 2 else { throw .truncated(.publish) }
            guard let id = PacketID(rawValue: UInt16(packet[topicEnd]) << 8 | UInt16(packet[topicEnd + 1])) else {
                throw .zeroPacketID(.publish)
            }
            packetID = id
            payloadStart += 2
        }
        return PublishLayout(
            qos: qos, retain: flags & 0x01 != 0, dup: flags & 0x08 != 0, packetID: packetID,
            topicField: bodyStart..<topicEnd, payload: payloadStart..<packet.count)
    }
}

extension PacketDecoder {
    /// The layout of the whole PUBLISH at the front of `buffer`, which is left as it is: the caller
    /// copies what it needs and then moves past `packetLength` bytes. Nil for any other packet or
    /// one not fully arrived; a malformed PUBLISH throws exactly as `decode` would.
    public func peekPublish(in buffer: ByteBuffer) throws(DecodeError) -> PublishLayout? {
        guard let first = buffer.withReadableBytes({ $0.first }), first >> 4 == PacketType.publish.rawValue,
            let header = try FixedHeader.peek(in: buffer, maximumRemainingLength: maximumRemainingLength),
            buffer.readableBytes >= header.packetLength
        else { return nil }
        return try buffer.withReadableBytes { (bytes) throws(DecodeError) in
            try PublishLayout.parse(
                flags: header.flags, packet: UnsafeRawBufferPointer(rebasing: bytes[..<header.packetLength]),
                bodyStart: header.headerLength)
        }
    }
}

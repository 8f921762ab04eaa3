// An application message as the broker keeps it: stored once, referenced by every queue, in-flight
// window and the retained store that holds it, never copied per subscriber. Its bytes are kept
// pre-encoded as a QoS 0 PUBLISH frame without flags:
//
//   0x30 | remaining length (1-4) | topic length (2) | topic | payload
//
// so a QoS 0 delivery is one copy of that frame (with the RETAIN bit set as needed) and a QoS 1/2
// delivery rewrites only the header and inserts the packet identifier.

import MQTTCodec

/// An immutable application message shared across sessions and loops.
public final class Message: Sendable {
    /// The frame described above.
    let frame: ByteBuffer
    /// Offset of the topic length field in `frame`.
    private let topicFieldOffset: Int
    /// The topic's length in bytes, as the frame says: kept so no delivery has to read it back.
    private let topicLength: Int
    public let qos: QoS
    public let retain: Bool

    public init(topic: TopicName, payload: ByteBuffer, qos: QoS, retain: Bool) {
        let remaining = 2 + topic.bytes.readableBytes + payload.readableBytes
        let headerLength = 1 + ByteBuffer.remainingLengthSize(remaining)
        var frame = ByteBuffer(capacity: headerLength + remaining)
        frame.writeInteger(UInt8(0x30))
        frame.writeRemainingLength(remaining)
        frame.writeInteger(UInt16(topic.bytes.readableBytes))
        frame.writeBuffer(topic.bytes)
        frame.writeBuffer(payload)
        self.frame = frame
        self.topicFieldOffset = headerLength
        self.topicLength = topic.bytes.readableBytes
        self.qos = qos
        self.retain = retain
    }

    /// The message of the PUBLISH `layout` describes in `packet` (its bytes in the read buffer):
    /// the topic field and the payload are copied as they lie, with no `Publish` built.
    public init(packet: UnsafeRawBufferPointer, layout: PublishLayout) {
        let remaining = layout.topicField.count + layout.payload.count
        let headerLength = 1 + ByteBuffer.remainingLengthSize(remaining)
        var frame = ByteBuffer(capacity: headerLength + remaining)
        _ = frame.writeWithUnsafeMutableBytes(maximum: headerLength + remaining) { target in
            target[0] = 0x30
            let offset = ByteBuffer.encodeRemainingLength(remaining, into: target, at: 1)
            UnsafeMutableRawBufferPointer(rebasing: target[offset..<(offset + layout.topicField.count)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: packet[layout.topicField]))
            let payloadStart = offset + layout.topicField.count
            UnsafeMutableRawBufferPointer(rebasing: target[payloadStart..<(payloadStart + layout.payload.count)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: packet[layout.payload]))
            return payloadStart + layout.payload.count
        }
        self.frame = frame
        self.topicFieldOffset = headerLength
        self.topicLength = layout.topic.count
        self.qos = layout.qos
        self.retain = layout.retain
    }

    public convenience init(_ publish: Publish) {
        self.init(topic: publish.topic, payload: publish.payload, qos: publish.qos, retain: publish.retain)
    }

    /// The topic, as a slice of the stored frame.
    public var topic: TopicName {
        var view = frame
        view.moveReaderIndex(forwardBy: topicFieldOffset + 2)
        return TopicName(uncheckedBytes: view.readSlice(length: topicLength)!)
    }

    /// The payload, as a slice of the stored frame.
    public var payload: ByteBuffer {
        var view = frame
        view.moveReaderIndex(forwardBy: topicFieldOffset + 2 + topicLength)
        return view
    }

    public var payloadLength: Int { frame.readableBytes - topicFieldOffset - 2 - topicLength }

    /// Calls `body` with the topic's bytes (the matching path).
    func withTopicBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        frame.withReadableBytes { bytes in
            body(UnsafeRawBufferPointer(rebasing: bytes[(topicFieldOffset + 2)..<(topicFieldOffset + 2 + topicLength)]))
        }
    }

    /// Bytes a PUBLISH of this message takes at `qos`.
    func encodedSize(qos: QoS) -> Int {
        let remaining = frame.readableBytes - topicFieldOffset + (qos == .atMostOnce ? 0 : 2)
        return 1 + ByteBuffer.remainingLengthSize(remaining) + remaining
    }

    /// Appends this message as a PUBLISH with the given delivery flags: a copy of the frame encoded
    /// once, with the flags and packet identifier patched in.
    public func writePublish(into out: inout ByteBuffer, qos: QoS, packetID: PacketID?, retain: Bool, dup: Bool) {
        let flags: UInt8 = (dup ? 0x08 : 0) | qos.rawValue << 1 | (retain ? 0x01 : 0)
        // One reservation for the whole packet, filled in place (one uniqueness check, not one per field).
        frame.withReadableBytes { bytes in
            _ = out.writeWithUnsafeMutableBytes(maximum: encodedSize(qos: qos)) { target in
                target[0] = 0x30 | flags
                guard qos != .atMostOnce else {
                    // QoS 0 has the stored frame's remaining length: the rest is copied as it is.
                    UnsafeMutableRawBufferPointer(rebasing: target[1..<bytes.count])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[1...]))
                    return bytes.count
                }
                let topicEnd = topicFieldOffset + 2 + topicLength
                var offset = ByteBuffer.encodeRemainingLength(bytes.count - topicFieldOffset + 2, into: target, at: 1)
                let topicField = UnsafeRawBufferPointer(rebasing: bytes[topicFieldOffset..<topicEnd])
                UnsafeMutableRawBufferPointer(rebasing: target[offset..<(offset + topicField.count)])
                    .copyMemory(from: topicField)
                offset += topicField.count
                target[offset] = UInt8(packetID!.rawValue >> 8)
                target[offset + 1] = UInt8(packetID!.rawValue & 0xFF)
                offset += 2
                let rest = UnsafeRawBufferPointer(rebasing: bytes[topicEnd...])
                UnsafeMutableRawBufferPointer(rebasing: target[offset..<(offset + rest.count)]).copyMemory(from: rest)
                return offset + rest.count
            }
        }
    }

    /// This message as a codec value (tests, the client side).
    public func publish(qos: QoS, packetID: PacketID?, retain: Bool, dup: Bool) -> Publish {
        Publish(topic: topic, payload: payload, qos: qos, packetID: packetID, retain: retain, dup: dup)
    }
}

extension TopicName {
    /// `$SYS` or `$SYS/...`: the broker's own topics, which clients may read but not write.
    var isSystemTopic: Bool { bytes.withReadableBytes { Self.isSystemTopic($0) } }

    /// Whether a topic with these bytes is `$SYS` or `$SYS/...`. Checked on every inbound PUBLISH:
    /// compared in place, no allocation.
    static func isSystemTopic(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 4, bytes[0] == UInt8(ascii: "$"), bytes[1] == UInt8(ascii: "S"),
            bytes[2] == UInt8(ascii: "Y"), bytes[3] == UInt8(ascii: "S")
        else { return false }
        return bytes.count == 4 || bytes[4] == UInt8(ascii: "/")
    }
}

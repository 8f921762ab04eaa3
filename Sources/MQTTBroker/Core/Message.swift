// An application message as the broker keeps it: stored once, referenced by every queue, in-flight
// window and the retained store that holds it, never copied per subscriber. Its bytes are kept
// pre-encoded as a QoS 0 PUBLISH frame without flags:
//
//   0x30 | remaining length (1-4) | topic length (2) | topic | payload
//
// so a QoS 0 delivery is one copy of that frame (with the RETAIN bit set as needed) and a QoS 1/2
// delivery rewrites only the header and inserts the packet identifier.

import MQTTCodec

/// Where the parts of a `Message`'s frame lie, and its delivery flags: the header of its single
/// allocation.
public struct MessageHeader: Sendable {
    /// Bytes in the frame.
    let frameLength: Int
    /// Offset of the topic length field in the frame.
    let topicFieldOffset: Int
    /// The topic's length in bytes, as the frame says: kept so no delivery has to read it back.
    let topicLength: Int
    let qos: QoS
    let retain: Bool
}

/// The single allocation behind a `Message`: the header above followed by the frame's bytes.
final class MessageStorage: ManagedBuffer<MessageHeader, UInt8> {}

/// An immutable application message shared across sessions and loops: a reference to one
/// allocation holding its header and frame (an object plus a separate buffer cost two allocations,
/// two frees and a reference count more per message). Copies share that allocation.
///
/// `@unchecked Sendable` (`ManagedBuffer` cannot be `Sendable`): header and bytes are written once,
/// in `make`, before the message is shared, and never again.
public struct Message: @unchecked Sendable {
    private let storage: MessageStorage
    /// Read through the header's pointer: `ManagedBuffer.header` is a class property, and every
    /// read of it paid a dynamic exclusivity check (~75 instructions).
    private var header: MessageHeader { storage.withUnsafeMutablePointerToHeader { $0.pointee } }

    public var qos: QoS { header.qos }
    public var retain: Bool { header.retain }
    /// Which stored message this is: copies of a `Message` share one frame (tests, benchmarks).
    public var identity: ObjectIdentifier { ObjectIdentifier(storage) }

    private init(storage: MessageStorage) { self.storage = storage }

    /// A message whose frame is `frameLength` bytes, written by `fill`.
    private static func make(
        frameLength: Int, topicFieldOffset: Int, topicLength: Int, qos: QoS, retain: Bool,
        fill: (UnsafeMutableRawBufferPointer) -> Void
    ) -> Message {
        let header = MessageHeader(
            frameLength: frameLength, topicFieldOffset: topicFieldOffset, topicLength: topicLength, qos: qos,
            retain: retain)
        let storage = unsafeDowncast(MessageStorage.create(minimumCapacity: frameLength) { _ in header }, to: MessageStorage.self)
        storage.withUnsafeMutablePointerToElements { fill(UnsafeMutableRawBufferPointer(start: $0, count: frameLength)) }
        return Message(storage: storage)
    }

    public static func make(topic: TopicName, payload: ByteBuffer, qos: QoS, retain: Bool) -> Message {
        topic.bytes.withReadableBytes { topicBytes in
            payload.withReadableBytes { payloadBytes in
                let remaining = 2 + topicBytes.count + payloadBytes.count
                let headerLength = 1 + ByteBuffer.remainingLengthSize(remaining)
                return make(
                    frameLength: headerLength + remaining, topicFieldOffset: headerLength, topicLength: topicBytes.count,
                    qos: qos, retain: retain
                ) { frame in
                    frame[0] = 0x30
                    var offset = ByteBuffer.encodeRemainingLength(remaining, into: frame, at: 1)
                    frame[offset] = UInt8(truncatingIfNeeded: topicBytes.count >> 8)
                    frame[offset + 1] = UInt8(truncatingIfNeeded: topicBytes.count)
                    offset += 2
                    UnsafeMutableRawBufferPointer(rebasing: frame[offset..<(offset + topicBytes.count)]).copyMemory(from: topicBytes)
                    offset += topicBytes.count
                    UnsafeMutableRawBufferPointer(rebasing: frame[offset...]).copyMemory(from: payloadBytes)
                }
            }
        }
    }

    public static func make(_ publish: Publish) -> Message {
        make(topic: publish.topic, payload: publish.payload, qos: publish.qos, retain: publish.retain)
    }

    /// The message of the PUBLISH `layout` describes in `packet` (its bytes in the read buffer):
    /// the topic field and the payload are copied as they lie, with no `Publish` built.
    public static func make(packet: UnsafeRawBufferPointer, layout: PublishLayout) -> Message {
        let remaining = layout.topicField.count + layout.payload.count
        let headerLength = 1 + ByteBuffer.remainingLengthSize(remaining)
        return make(
            frameLength: headerLength + remaining, topicFieldOffset: headerLength, topicLength: layout.topic.count,
            qos: layout.qos, retain: layout.retain
        ) { frame in
            frame[0] = 0x30
            let offset = ByteBuffer.encodeRemainingLength(remaining, into: frame, at: 1)
            UnsafeMutableRawBufferPointer(rebasing: frame[offset..<(offset + layout.topicField.count)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: packet[layout.topicField]))
            UnsafeMutableRawBufferPointer(rebasing: frame[(offset + layout.topicField.count)...])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: packet[layout.payload]))
        }
    }

    /// Calls `body` with the frame's bytes.
    private func withFrame<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        let length = header.frameLength
        return storage.withUnsafeMutablePointerToElements { body(UnsafeRawBufferPointer(start: $0, count: length)) }
    }

    private var topicRange: Range<Int> {
        (header.topicFieldOffset + 2)..<(header.topicFieldOffset + 2 + header.topicLength)
    }

    /// The topic (a copy: logs, the retained store, tests).
    public var topic: TopicName {
        TopicName(uncheckedBytes: withFrame { ByteBuffer(bytes: UnsafeRawBufferPointer(rebasing: $0[topicRange])) })
    }

    /// The payload (a copy: tests, the client side).
    public var payload: ByteBuffer {
        withFrame { ByteBuffer(bytes: UnsafeRawBufferPointer(rebasing: $0[topicRange.upperBound...])) }
    }

    public var payloadLength: Int { header.frameLength - topicRange.upperBound }

    /// Calls `body` with the topic's bytes (the matching path).
    func withTopicBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        let range = topicRange
        return withFrame { body(UnsafeRawBufferPointer(rebasing: $0[range])) }
    }

    /// Bytes a PUBLISH of this message takes at `qos`.
    func encodedSize(qos: QoS) -> Int {
        let remaining = header.frameLength - header.topicFieldOffset + (qos == .atMostOnce ? 0 : 2)
        return 1 + ByteBuffer.remainingLengthSize(remaining) + remaining
    }

    /// Appends this message as a PUBLISH with the given delivery flags: a copy of the frame encoded
    /// once, with the flags and packet identifier patched in.
    public func writePublish(into out: inout ByteBuffer, qos: QoS, packetID: PacketID?, retain: Bool, dup: Bool) {
        let flags: UInt8 = (dup ? 0x08 : 0) | qos.rawValue << 1 | (retain ? 0x01 : 0)
        let topicFieldOffset = header.topicFieldOffset
        let topicEnd = topicRange.upperBound
        let size = encodedSize(qos: qos)
        // One reservation for the whole packet, filled in place (one uniqueness check, not one per field).
        withFrame { bytes in
            _ = out.writeWithUnsafeMutableBytes(maximum: size) { target in
                target[0] = 0x30 | flags
                guard qos != .atMostOnce else {
                    // QoS 0 has the stored frame's remaining length: the rest is copied as it is.
                    UnsafeMutableRawBufferPointer(rebasing: target[1..<bytes.count])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[1...]))
                    return bytes.count
                }
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

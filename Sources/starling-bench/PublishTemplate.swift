// A publisher's PUBLISH frame, encoded once by the codec and patched in place for every message.
// The first 24 payload bytes are the stamp the subscriber side reads back, little-endian:
//
//   0..<4   publisher index (UInt32)       4..<8   magic "sbv1"
//   8..<16  sequence number (UInt64)      16..<24  send time, monotonic nanoseconds (UInt64)
//
// the rest of the payload is filler.

import MQTTCodec

/// One pre-encoded PUBLISH whose packet identifier and stamp are rewritten before each send.
final class PublishTemplate {
    static let stampSize = 24
    static let magic: UInt32 = 0x3176_6273  // "sbv1" read little-endian

    private let bytes: UnsafeMutableRawPointer
    let count: Int
    /// Offset of the packet identifier, nil at QoS 0.
    private let packetIDOffset: Int?
    private let stampOffset: Int

    init(topic: String, qos: QoS, payloadSize: Int, publisher: Int) throws(TopicError) {
        var payload = ByteBuffer(capacity: payloadSize)
        payload.writeBytes([UInt8](repeating: UInt8(ascii: "x"), count: payloadSize))
        let publish = Publish(
            topic: try TopicName(topic), payload: payload, qos: qos, packetID: qos == .atMostOnce ? nil : .first)
        let frame = Packet.publish(publish).encoded()
        let count = frame.readableBytes
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: count, alignment: 8)
        frame.withReadableBytes { bytes.copyMemory(from: $0.baseAddress!, byteCount: count) }
        self.count = count
        self.bytes = bytes
        stampOffset = count - payloadSize
        packetIDOffset = qos == .atMostOnce ? nil : stampOffset - 2
        bytes.storeBytes(of: UInt32(publisher).littleEndian, toByteOffset: stampOffset, as: UInt32.self)
        bytes.storeBytes(of: Self.magic.littleEndian, toByteOffset: stampOffset + 4, as: UInt32.self)
    }

    deinit { bytes.deallocate() }

    /// Patches the frame for one message and returns its bytes (valid until the next patch).
    @inline(__always)
    func stamped(packetID: UInt16, sequence: UInt64, sentAt: UInt64) -> UnsafeRawBufferPointer {
        if let packetIDOffset {
            bytes.storeBytes(of: packetID.bigEndian, toByteOffset: packetIDOffset, as: UInt16.self)
        }
        bytes.storeBytes(of: sequence.littleEndian, toByteOffset: stampOffset + 8, as: UInt64.self)
        bytes.storeBytes(of: sentAt.littleEndian, toByteOffset: stampOffset + 16, as: UInt64.self)
        return UnsafeRawBufferPointer(start: bytes, count: count)
    }
}

/// The stamp read back from a delivered payload.
struct MessageStamp {
    let publisher: Int
    let sequence: UInt64
    let sentAt: UInt64

    /// Reads the stamp at the start of `payload`; nil if it is too short or not ours.
    @inline(__always)
    init?(payload: UnsafeRawBufferPointer) {
        guard payload.count >= PublishTemplate.stampSize,
            UInt32(littleEndian: payload.loadUnaligned(fromByteOffset: 4, as: UInt32.self)) == PublishTemplate.magic
        else { return nil }
        publisher = Int(UInt32(littleEndian: payload.loadUnaligned(fromByteOffset: 0, as: UInt32.self)))
        sequence = UInt64(littleEndian: payload.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        sentAt = UInt64(littleEndian: payload.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
    }
}

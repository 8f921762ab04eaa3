// A PUBLISH as the shard receives it: decoded into a `Publish` (tests, the general decode path),
// or still in the loop's read buffer with its validated layout (the per-message fast path), so a
// `Message` is copied straight from the packet's bytes and only when it is kept.

import MQTTCodec

enum InboundPublish {
    case decoded(Publish)
    /// The packet's bytes are the loop's read buffer: valid only during the call that receives it.
    case inPlace(UnsafeRawBufferPointer, PublishLayout)

    var qos: QoS {
        switch self {
        case .decoded(let publish): publish.qos
        case .inPlace(_, let layout): layout.qos
        }
    }

    var retain: Bool {
        switch self {
        case .decoded(let publish): publish.retain
        case .inPlace(_, let layout): layout.retain
        }
    }

    var packetID: PacketID? {
        switch self {
        case .decoded(let publish): publish.packetID
        case .inPlace(_, let layout): layout.packetID
        }
    }

    var payloadLength: Int {
        switch self {
        case .decoded(let publish): publish.payload.readableBytes
        case .inPlace(_, let layout): layout.payload.count
        }
    }

    var isSystemTopic: Bool {
        switch self {
        case .decoded(let publish): publish.topic.bytes.withReadableBytes { TopicName.isSystemTopic($0) }
        case .inPlace(let packet, let layout): TopicName.isSystemTopic(UnsafeRawBufferPointer(rebasing: packet[layout.topic]))
        }
    }

    /// The topic, for logs.
    var topicDescription: String {
        switch self {
        case .decoded(let publish): publish.topic.description
        case .inPlace(let packet, let layout): String(decoding: packet[layout.topic], as: UTF8.self)
        }
    }

    func message() -> Message {
        switch self {
        case .decoded(let publish): Message.make(publish)
        case .inPlace(let packet, let layout): Message.make(packet: packet, layout: layout)
        }
    }
}

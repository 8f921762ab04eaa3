import MQTTCodec

extension ByteBuffer {
    /// A copy of the readable bytes in storage of their own. Values kept beyond the packet that
    /// carried them (wills, retained messages) use this, so they do not pin a whole read buffer.
    var detached: ByteBuffer {
        var copy = ByteBuffer(capacity: readableBytes)
        copy.writeBuffer(self)
        return copy
    }
}

extension Will {
    /// The will with its topic and payload detached from the read buffer.
    var detached: Will {
        Will(topic: TopicName(uncheckedBytes: topic.bytes.detached), payload: payload.detached, qos: qos, retain: retain)
    }
}

/// An incremental decoder that owns its input buffer: feed it whatever bytes arrived, take out the
/// whole packets, and it keeps the partial tail for the next feed.
public struct FrameDecoder: Sendable {
    public var decoder: PacketDecoder
    private var buffer: ByteBuffer

    public init(maximumRemainingLength: Int = ByteBuffer.maximumRemainingLength) {
        decoder = PacketDecoder(maximumRemainingLength: maximumRemainingLength)
        buffer = ByteBuffer(capacity: 256)
    }

    /// Bytes received but not yet part of a returned packet.
    public var bufferedBytes: Int { buffer.readableBytes }

    /// Appends newly arrived bytes.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        compact()
        buffer.writeBytes(bytes)
    }

    /// Appends the readable bytes of `bytes`.
    public mutating func feed(_ bytes: ByteBuffer) {
        compact()
        buffer.writeBuffer(bytes)
    }

    /// The next whole packet, nil when more bytes are needed. After a throw the stream is not MQTT
    /// any more and the connection must be closed.
    public mutating func next() throws(DecodeError) -> Packet? {
        try decoder.decode(from: &buffer)
    }

    private mutating func compact() {
        if buffer.readableBytes == 0 {
            buffer.clear()
        } else if buffer.readerIndex > buffer.capacity / 2 {
            buffer.discardReadBytes()
        }
    }
}

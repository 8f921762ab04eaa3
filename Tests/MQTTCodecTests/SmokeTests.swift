import MQTTCodec
import Testing

@Test func publishRoundTrip() throws {
    let publish = Publish(
        topic: try TopicName("a/b"), payload: ByteBuffer(string: "hi"), qos: .atLeastOnce, packetID: 7)
    var buffer = Packet.publish(publish).encoded()
    #expect(buffer.readableBytesArray == [0x32, 0x09, 0x00, 0x03, 0x61, 0x2F, 0x62, 0x00, 0x07, 0x68, 0x69])
    let decoded = try PacketDecoder().decode(from: &buffer)
    #expect(decoded == .publish(publish))
    #expect(buffer.readableBytes == 0)
}

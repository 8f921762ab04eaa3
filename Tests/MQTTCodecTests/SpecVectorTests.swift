import MQTTCodec
import Testing

/// Every control packet against hand-written bytes, in both directions (chapter 3).
@Suite struct SpecVectorTests {
    @Test(arguments: SpecVectors.all)
    func decodesToExpectedPacket(_ vector: SpecVector) throws {
        var buffer = ByteBuffer(bytes: vector.bytes)
        let decoded = try PacketDecoder().decode(from: &buffer)
        #expect(decoded == vector.packet)
        #expect(buffer.readableBytes == 0, "the decoder must consume exactly one packet")
    }

    @Test(arguments: SpecVectors.all)
    func encodesToExactBytes(_ vector: SpecVector) {
        let encoded = vector.packet.encoded()
        #expect(encoded.bytes == vector.bytes, "got \(hexString(encoded.bytes))")
        #expect(vector.packet.encodedSize == vector.bytes.count)
    }

    @Test(arguments: SpecVectors.all)
    func encodeAppendsAfterExistingBytes(_ vector: SpecVector) {
        var buffer = ByteBuffer(bytes: [0xEE, 0xEE])
        vector.packet.encode(into: &buffer)
        #expect(buffer.bytes == [0xEE, 0xEE] + vector.bytes)
    }

    @Test(arguments: SpecVectors.all)
    func packetTypeMatchesFirstByte(_ vector: SpecVector) {
        #expect(vector.packet.type.rawValue == vector.bytes[0] >> 4)
    }

    @Test func vectorsCoverEveryPacketType() {
        let covered = Set(SpecVectors.all.map(\.packet.type))
        #expect(covered == Set(PacketType.allCases))
    }

    @Test func incompletePacketLeavesBufferUntouched() throws {
        let bytes = SpecVectors.connect[1].bytes
        var buffer = ByteBuffer(bytes: bytes.dropLast())
        #expect(try PacketDecoder().decode(from: &buffer) == nil)
        #expect(buffer.bytes == Array(bytes.dropLast()))
    }

    @Test func publishEncodesWithoutPacketWrapper() {
        guard case .publish(let publish) = SpecVectors.publish[2].packet else {
            Issue.record("vector is not a PUBLISH")
            return
        }
        var buffer = ByteBuffer()
        publish.encode(into: &buffer)
        #expect(buffer.bytes == SpecVectors.publish[2].bytes)
        #expect(publish.encodedSize == SpecVectors.publish[2].bytes.count)
    }

    @Test("the four-byte acknowledgements write what Packet encodes and decode back", arguments: [
        PublishAcknowledgement.Kind.pubAck, .pubRec, .pubRel, .pubComp,
    ])
    func acknowledgementWritesLikePacket(kind: PublishAcknowledgement.Kind) throws {
        let acknowledgement = PublishAcknowledgement(kind, PacketID(rawValue: 0x1234)!)
        var direct = ByteBuffer()
        acknowledgement.write(into: &direct)
        #expect(direct.bytes == acknowledgement.packet.encoded().bytes)
        #expect(direct.bytes.count == 4 && direct.bytes[2...] == [0x12, 0x34])
        #expect(try PacketDecoder().decode(from: &direct) == acknowledgement.packet)
    }

    @Test func publishPayloadIsASliceOfTheInput() throws {
        var buffer = ByteBuffer(bytes: SpecVectors.publish[0].bytes)
        let inputStart = buffer.withReadableBytes { $0.baseAddress! }
        guard case .publish(let publish) = try PacketDecoder().decode(from: &buffer) else {
            Issue.record("did not decode a PUBLISH")
            return
        }
        let payloadStart = publish.payload.withReadableBytes { $0.baseAddress! }
        #expect(payloadStart == inputStart + 7, "the payload should share the input's storage")
    }

    @Test func bomIsKeptInDecodedStrings() throws {
        // [MQTT-1.5.3-3]: 0xEF 0xBB 0xBF is U+FEFF and must not be stripped.
        let body = connectHeader(flags: 0x82) + field(hex("EF BB BF 63")) + field(hex("EF BB BF"))
        var buffer = ByteBuffer(bytes: frame(0x10, body))
        guard case .connect(let connect) = try PacketDecoder().decode(from: &buffer) else {
            Issue.record("did not decode a CONNECT")
            return
        }
        #expect(Array(connect.clientID.utf8) == hex("EF BB BF 63"))
        #expect(connect.username.map { Array($0.utf8) } == hex("EF BB BF"))
    }

    @Test func controlCharactersAndNoncharactersAreAccepted() throws {
        // Section 1.5.3 only discourages U+0001..U+001F, U+007F..U+009F and non-characters.
        let name = hex("01 1F 7F C2 80 C2 9F EF BF BF")
        var buffer = ByteBuffer(bytes: frame(0x30, field(name)))
        guard case .publish(let publish) = try PacketDecoder().decode(from: &buffer) else {
            Issue.record("did not decode a PUBLISH")
            return
        }
        #expect(publish.topic.bytes.bytes == name)
    }

    @Test func nonMinimalRemainingLengthIsAccepted() throws {
        // Section 2.2.3 in 3.1.1 does not require the shortest form; the encoder always writes it.
        var buffer = ByteBuffer(bytes: hex("C0 80 00"))
        #expect(try PacketDecoder().decode(from: &buffer) == .pingReq)
        #expect(Packet.pingReq.encoded().bytes == hex("C0 00"))
    }
}

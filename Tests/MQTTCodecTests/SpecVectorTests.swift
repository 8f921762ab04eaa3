import MQTTCodec
import Testing

/// Every control packet against hand-written bytes, in both directions (chapter 3).
@Suite struct SpecVectorTests {
    @Test("peekPublish lays out each PUBLISH vector as the decoder decodes it and consumes nothing", arguments: SpecVectors.all)
    func publishLayout(_ vector: SpecVector) throws {
        let buffer = ByteBuffer(bytes: vector.bytes)
        let layout = try PacketDecoder().peekPublish(in: buffer)
        #expect(buffer.bytes == vector.bytes)
        guard case .publish(let expected) = vector.packet else {
            #expect(layout == nil)
            return
        }
        let found = try #require(layout)
        #expect(found.packetLength == vector.bytes.count)
        #expect(Array(vector.bytes[found.topic]) == expected.topic.bytes.bytes)
        #expect(Array(vector.bytes[found.payload]) == expected.payload.bytes)
        #expect(found.topicField.count == 2 + expected.topic.bytes.readableBytes)
        #expect(found.qos == expected.qos && found.packetID == expected.packetID)
        #expect(found.retain == expected.retain && found.dup == expected.dup)
        #expect(try PacketDecoder().peekPublish(in: ByteBuffer(bytes: vector.bytes.dropLast())) == nil, "not fully arrived")
    }

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
        #expect(kind.packetType == acknowledgement.packet.type)
        #expect(try PacketDecoder().decode(from: &direct) == acknowledgement.packet)
    }

    @Test("the acknowledgement fast path takes exactly what the decoder accepts as PUBACK/PUBREC/PUBREL/PUBCOMP")
    func acknowledgementFastPathAgreesWithDecoder() throws {
        // Every first byte, with remaining lengths 1-3 and packet ids 0 and 0x0102, plus short input.
        var cases: [[UInt8]] = [[0x40], [0x40, 0x02], [0x40, 0x02, 0x01]]
        for first in 0...255 {
            for length: UInt8 in [1, 2, 3] {
                for id: [UInt8] in [[0, 0], [1, 2]] {
                    cases.append([UInt8(first), length] + id + [0x00][..<Int(length > 2 ? 1 : 0)])
                }
            }
        }
        var fast = 0
        for bytes in cases {
            // A PINGREQ behind each whole packet; the short ones end the input.
            let input = bytes.count < 4 ? bytes : bytes + [0xC0, 0x00]
            var buffer = ByteBuffer(bytes: input)
            let acknowledgement = PublishAcknowledgement.decodeIfNext(from: &buffer)
            var reference = ByteBuffer(bytes: input)
            let decoded = try? PacketDecoder().decode(from: &reference)
            if let acknowledgement {
                fast += 1
                #expect(decoded == acknowledgement.packet, "\(bytes)")
                #expect(buffer.bytes == reference.bytes, "both consumed the same bytes: \(bytes)")
            } else {
                #expect(buffer.bytes == input, "untouched: \(bytes)")
                if let decoded, case .pubAck = decoded { Issue.record("missed a PUBACK: \(bytes)") }
                if let decoded, case .pubRec = decoded { Issue.record("missed a PUBREC: \(bytes)") }
                if let decoded, case .pubRel = decoded { Issue.record("missed a PUBREL: \(bytes)") }
                if let decoded, case .pubComp = decoded { Issue.record("missed a PUBCOMP: \(bytes)") }
            }
        }
        #expect(fast == 4, "one well-formed case per kind")
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

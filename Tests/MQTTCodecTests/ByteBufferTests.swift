import MQTTCodec
import Testing

struct RemainingLengthCase: Sendable, CustomTestStringConvertible {
    let value: Int
    let bytes: [UInt8]
    var testDescription: String { "\(value)" }
}

/// The boundaries of Table 2.4 (section 2.2.3) and the non-normative example 321.
let remainingLengthCases: [RemainingLengthCase] = [
    RemainingLengthCase(value: 0, bytes: hex("00")),
    RemainingLengthCase(value: 64, bytes: hex("40")),
    RemainingLengthCase(value: 127, bytes: hex("7F")),
    RemainingLengthCase(value: 128, bytes: hex("80 01")),
    RemainingLengthCase(value: 321, bytes: hex("C1 02")),
    RemainingLengthCase(value: 16_383, bytes: hex("FF 7F")),
    RemainingLengthCase(value: 16_384, bytes: hex("80 80 01")),
    RemainingLengthCase(value: 2_097_151, bytes: hex("FF FF 7F")),
    RemainingLengthCase(value: 2_097_152, bytes: hex("80 80 80 01")),
    RemainingLengthCase(value: 268_435_455, bytes: hex("FF FF FF 7F")),
]

@Suite struct ByteBufferTests {
    // MARK: Verbs

    @Test func readConsumesPeekDoesNot() {
        var buffer: ByteBuffer = [1, 2, 3]
        #expect(buffer.peekInteger() == 1)
        #expect(buffer.peekInteger(at: 2) == 3)
        #expect(buffer.peekInteger(at: 3) == nil)
        #expect(buffer.peekInteger(at: -1) == nil)
        #expect(buffer.readableBytes == 3)
        let first: UInt8? = buffer.readInteger()
        #expect(first == 1)
        #expect(buffer.readerIndex == 1)
        #expect(buffer.bytes == [2, 3])
    }

    @Test func readingPastTheEndReturnsNilAndConsumesNothing() {
        var buffer: ByteBuffer = [0xAB]
        let wide: UInt16? = buffer.readInteger()
        #expect(wide == nil)
        #expect(buffer.readableBytes == 1)
        let narrow: UInt8? = buffer.readInteger()
        #expect(narrow == 0xAB)
        let none: UInt8? = buffer.readInteger()
        #expect(none == nil)
        #expect(buffer.readSlice(length: 1) == nil)
    }

    @Test(
        arguments: [(0x0000, [0x00, 0x00]), (0x00FF, [0x00, 0xFF]), (0x1234, [0x12, 0x34]), (0xFFFF, [0xFF, 0xFF])]
            as [(UInt16, [UInt8])])
    func uint16IsBigEndian(value: UInt16, bytes: [UInt8]) {
        var buffer = ByteBuffer()
        buffer.writeInteger(value)
        #expect(buffer.bytes == bytes)
        let read: UInt16? = buffer.readInteger()
        #expect(read == value)
        #expect(buffer.readableBytes == 0)
    }

    @Test func uint16ReadsAtAnOddOffset() {
        var buffer: ByteBuffer = [0x01, 0x02, 0x03]
        _ = buffer.readInteger() as UInt8?
        #expect(buffer.readInteger() as UInt16? == 0x0203)
    }

    @Test func writeVerbsAppend() {
        var buffer = ByteBuffer(capacity: 1)
        buffer.writeInteger(UInt8(0x41))
        buffer.writeBytes([0x42, 0x43])
        buffer.writeString("dé")
        buffer.writeBuffer(ByteBuffer(bytes: [0x00]))
        [UInt8](arrayLiteral: 7, 8).withUnsafeBytes { buffer.writeBytes($0) }
        buffer.writeBytes(AnySequence([9]))  // a sequence without contiguous storage
        #expect(buffer.bytes == [0x41, 0x42, 0x43, 0x64, 0xC3, 0xA9, 0x00, 7, 8, 9])
        #expect(buffer.writerIndex == 10)
        #expect(buffer.capacity >= 10)
    }

    @Test func growsFromEmptyOneByteAtATime() {
        var buffer = ByteBuffer()
        for index in 0..<10_000 { buffer.writeInteger(UInt8(truncatingIfNeeded: index)) }
        #expect(buffer.readableBytes == 10_000)
        for index in 0..<10_000 {
            guard buffer.readInteger() as UInt8? == UInt8(truncatingIfNeeded: index) else {
                Issue.record("byte \(index) differs")
                return
            }
        }
    }

    @Test func reserveWritableCapacityGrowsOnlyWhenNeeded() {
        var buffer = ByteBuffer(capacity: 100)
        let start = buffer.withReadableBytes { $0.baseAddress }
        buffer.reserveWritableCapacity(100)
        #expect(buffer.withReadableBytes { $0.baseAddress } == start)
        buffer.reserveWritableCapacity(101)
        #expect(buffer.writableBytes >= 101)
    }

    @Test func writeWithUnsafeMutableBytesWritesInPlace() {
        var buffer: ByteBuffer = [1]
        let written = buffer.writeWithUnsafeMutableBytes(maximum: 8) { raw in
            raw[0] = 2
            raw[1] = 3
            return 2
        }
        #expect(written == 2)
        #expect(buffer.bytes == [1, 2, 3])
    }

    @Test func moveReaderIndexAndTruncate() {
        var buffer: ByteBuffer = [1, 2, 3, 4, 5]
        buffer.moveReaderIndex(forwardBy: 1)
        buffer.truncateReadable(to: 2)
        #expect(buffer.bytes == [2, 3])
        buffer.writeInteger(UInt8(9))
        #expect(buffer.bytes == [2, 3, 9])
    }

    @Test func clearForgetsEverything() {
        var buffer: ByteBuffer = [1, 2, 3]
        buffer.clear()
        #expect(buffer.readableBytes == 0 && buffer.readerIndex == 0 && buffer.writerIndex == 0)
        buffer.writeInteger(UInt8(4))
        #expect(buffer.bytes == [4])
    }

    @Test func discardReadBytesMovesTheRestToTheFront() {
        var buffer: ByteBuffer = [1, 2, 3, 4, 5]
        _ = buffer.readSlice(length: 2)
        buffer.discardReadBytes()
        #expect(buffer.readerIndex == 0)
        #expect(buffer.writerIndex == 3)
        #expect(buffer.bytes == [3, 4, 5])
        buffer.discardReadBytes()
        #expect(buffer.bytes == [3, 4, 5])
    }

    @Test func discardReadBytesOfAFullyReadBuffer() {
        var buffer: ByteBuffer = [1, 2]
        buffer.moveReaderIndex(forwardBy: 2)
        buffer.discardReadBytes()
        #expect(buffer.readableBytes == 0 && buffer.writerIndex == 0)
    }

    // MARK: Slices and copy on write

    @Test func sliceSharesStorage() throws {
        var parent: ByteBuffer = [1, 2, 3, 4]
        let parentStart = parent.withReadableBytes { $0.baseAddress! }
        _ = parent.readInteger() as UInt8?
        let sliced = parent.readSlice(length: 2)
        let slice = try #require(sliced)
        #expect(slice.bytes == [2, 3])
        #expect(slice.withReadableBytes { $0.baseAddress! } == parentStart + 1)
        #expect(parent.bytes == [4])
    }

    @Test func writingToASliceLeavesTheParentAlone() throws {
        var parent: ByteBuffer = [1, 2, 3, 4]
        let sliced = parent.readSlice(length: 2)
        var slice = try #require(sliced)
        slice.writeInteger(UInt8(9))  // would land on the parent's 3 without copy on write
        slice.writeInteger(UInt16(0xAAAA))
        #expect(slice.bytes == [1, 2, 9, 0xAA, 0xAA])
        #expect(parent.bytes == [3, 4])
    }

    @Test func writingToTheParentLeavesTheSliceAlone() throws {
        var parent: ByteBuffer = [1, 2, 3, 4]
        let sliced = parent.readSlice(length: 2)
        let slice = try #require(sliced)
        parent.clear()
        parent.writeBytes([9, 9, 9, 9])
        #expect(slice.bytes == [1, 2])
        #expect(parent.bytes == [9, 9, 9, 9])
    }

    @Test func compactingTheParentLeavesTheSliceAlone() throws {
        var parent: ByteBuffer = [1, 2, 3, 4]
        let sliced = parent.readSlice(length: 2)
        let slice = try #require(sliced)
        parent.discardReadBytes()
        parent.writeBytes([7, 7])
        #expect(slice.bytes == [1, 2])
        #expect(parent.bytes == [3, 4, 7, 7])
    }

    @Test func writingInPlaceToTheParentLeavesTheSliceAlone() throws {
        var parent = ByteBuffer(capacity: 64)
        parent.writeBytes([1, 2, 3, 4])
        let sliced = parent.readSlice(length: 4)
        let slice = try #require(sliced)
        parent.clear()
        _ = parent.writeWithUnsafeMutableBytes(maximum: 4) { raw in
            for index in 0..<4 { raw[index] = 0xEE }
            return 4
        }
        #expect(slice.bytes == [1, 2, 3, 4])
    }

    @Test func copiesAreIndependent() {
        let original: ByteBuffer = [1, 2]
        var copy = original
        copy.writeInteger(UInt8(3))
        #expect(original.bytes == [1, 2])
        #expect(copy.bytes == [1, 2, 3])
    }

    @Test func aUniqueBufferIsWrittenInPlace() {
        var buffer = ByteBuffer(capacity: 64)
        buffer.writeInteger(UInt8(1))
        let start = buffer.withReadableBytes { $0.baseAddress }
        buffer.writeInteger(UInt8(2))
        #expect(buffer.withReadableBytes { $0.baseAddress } == start)
    }

    // MARK: Equality and description

    @Test func equalityComparesReadableBytesOnly() {
        var a: ByteBuffer = [0, 1, 2]
        _ = a.readInteger() as UInt8?
        let b: ByteBuffer = [1, 2]
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a != [1, 3])
        #expect(a != [1, 2, 3])
        var c = a
        c.truncateReadable(to: 1)
        #expect(c != a)
    }

    @Test func stringsAndDescription() {
        let buffer = ByteBuffer(string: "hé")
        #expect(buffer.bytes == [0x68, 0xC3, 0xA9])
        #expect(buffer.readableString == "hé")
        #expect(buffer.description == "ByteBuffer(3 bytes: 68 c3 a9)")
        let long = ByteBuffer(bytes: [UInt8](repeating: 0, count: 65))
        #expect(long.description.hasSuffix(" …)"))
        #expect(ByteBuffer(bytes: [0xFF]).readableString == "\u{FFFD}")
    }

    // MARK: Remaining length (section 2.2.3)

    @Test(arguments: remainingLengthCases)
    func remainingLengthEncodes(_ row: RemainingLengthCase) {
        var buffer = ByteBuffer()
        buffer.writeRemainingLength(row.value)
        #expect(buffer.bytes == row.bytes)
        #expect(ByteBuffer.remainingLengthSize(row.value) == row.bytes.count)
        #expect(remainingLengthBytes(row.value) == row.bytes, "the test's own encoder disagrees")
    }

    @Test(arguments: remainingLengthCases)
    func remainingLengthDecodes(_ row: RemainingLengthCase) throws {
        let buffer = ByteBuffer(bytes: [0x30] + row.bytes)
        let header = try #require(
            try FixedHeader.peek(in: buffer, maximumRemainingLength: ByteBuffer.maximumRemainingLength))
        #expect(header.remainingLength == row.value)
        #expect(header.headerLength == 1 + row.bytes.count)
        #expect(header.packetLength == 1 + row.bytes.count + row.value)
        #expect(header.type == .publish && header.flags == 0)
        #expect(buffer.readableBytes == 1 + row.bytes.count, "peek must not consume")
    }

    @Test(arguments: remainingLengthCases)
    func remainingLengthPrefixNeedsMoreBytes(_ row: RemainingLengthCase) throws {
        for length in 0..<row.bytes.count {
            let buffer = ByteBuffer(bytes: [0x30] + row.bytes[..<length])
            #expect(try FixedHeader.peek(in: buffer, maximumRemainingLength: ByteBuffer.maximumRemainingLength) == nil)
        }
    }

    @Test func remainingLengthMaximumIsTheFourByteMaximum() {
        #expect(ByteBuffer.maximumRemainingLength == 128 * 128 * 128 * 128 - 1)
    }
}

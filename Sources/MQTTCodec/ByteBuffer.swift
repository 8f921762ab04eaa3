// A growable byte buffer with value semantics: the currency between codec and I/O.
//
//   storage: [ already read | readable bytes | writable capacity ]
//            0          readerIndex     writerIndex           capacity
//
// Verbs: `read…` consumes from the reader index, `peek…`/`get…` look without consuming, `write…`
// appends at the writer index. A slice shares storage with its parent until either side writes
// (copy on write), so handing out a payload costs no copy.

/// Contiguous bytes with a reader and a writer index, copy-on-write.
public struct ByteBuffer: @unchecked Sendable {
    /// Immutable apart from the bytes, which are written only through a uniquely referenced buffer
    /// (copy on write), so sharing one across threads is safe.
    final class Storage: @unchecked Sendable {
        /// The storage of every empty buffer: never written (it is never uniquely referenced, so the
        /// first write allocates), so idle connections and swapped-out buffers cost no allocation.
        static let empty = Storage(capacity: 0)

        let bytes: UnsafeMutableRawPointer
        let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            self.bytes = .allocate(byteCount: Swift.max(capacity, 1), alignment: 16)
        }

        deinit { bytes.deallocate() }
    }

    var storage: Storage
    /// Index of the first readable byte.
    public private(set) var readerIndex: Int
    /// Index one past the last readable byte.
    public private(set) var writerIndex: Int

    /// An empty buffer with room for `capacity` bytes before it must grow.
    public init(capacity: Int = 0) {
        storage = capacity == 0 ? Storage.empty : Storage(capacity: capacity)
        readerIndex = 0
        writerIndex = 0
    }

    /// A buffer holding a copy of `bytes`.
    public init<Bytes: Sequence>(bytes: Bytes) where Bytes.Element == UInt8 {
        self.init(capacity: bytes.underestimatedCount)
        writeBytes(bytes)
    }

    /// A buffer holding the UTF-8 bytes of `string`.
    public init(string: String) {
        var string = string
        self.init(capacity: string.utf8.count)
        string.withUTF8 { writeBytes($0) }
    }

    /// Number of bytes between the reader and the writer index.
    public var readableBytes: Int { writerIndex - readerIndex }
    /// Number of bytes that can be written before the storage must grow.
    public var writableBytes: Int { storage.capacity - writerIndex }
    /// The capacity of the current storage.
    public var capacity: Int { storage.capacity }
    /// The readable bytes as an array (cold paths and tests only).
    public var readableBytesArray: [UInt8] { withReadableBytes { Array($0) } }

    // MARK: Capacity

    /// Makes sure at least `count` more bytes can be written without growing, and that the storage is
    /// not shared, so the next writes go in place.
    public mutating func reserveWritableCapacity(_ count: Int) {
        if isKnownUniquelyReferenced(&storage) && writableBytes >= count { return }
        reallocate(minimumWritable: count)
    }

    mutating func reallocate(minimumWritable: Int) {
        let readable = readableBytes
        var newCapacity = Swift.max(storage.capacity, 64)
        while newCapacity - readable < minimumWritable { newCapacity *= 2 }
        let fresh = Storage(capacity: newCapacity)
        fresh.bytes.copyMemory(from: storage.bytes + readerIndex, byteCount: readable)
        storage = fresh
        readerIndex = 0
        writerIndex = readable
    }

    /// Moves the readable bytes to the front of the storage so their space can be reused.
    public mutating func discardReadBytes() {
        guard readerIndex > 0 else { return }
        guard isKnownUniquelyReferenced(&storage) else {
            reallocate(minimumWritable: 0)
            return
        }
        let readable = readableBytes
        if readable > 0 { storage.bytes.copyMemory(from: storage.bytes + readerIndex, byteCount: readable) }
        readerIndex = 0
        writerIndex = readable
    }

    /// Forgets all bytes, keeping the storage when it is not shared.
    public mutating func clear() {
        if isKnownUniquelyReferenced(&storage) {
            readerIndex = 0
            writerIndex = 0
        } else {
            self = ByteBuffer(capacity: storage.capacity)
        }
    }

    // MARK: Writing

    public mutating func writeInteger(_ value: UInt8) {
        reserveWritableCapacity(1)
        storage.bytes.storeBytes(of: value, toByteOffset: writerIndex, as: UInt8.self)
        writerIndex += 1
    }

    /// Appends `value` in network byte order.
    public mutating func writeInteger(_ value: UInt16) {
        reserveWritableCapacity(2)
        storage.bytes.storeBytes(of: value.bigEndian, toByteOffset: writerIndex, as: UInt16.self)
        writerIndex += 2
    }

    public mutating func writeBytes(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        reserveWritableCapacity(bytes.count)
        (storage.bytes + writerIndex).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        writerIndex += bytes.count
    }

    public mutating func writeBytes<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { writeBytes(UnsafeRawBufferPointer($0)) }
        if done != nil { return }
        for byte in bytes { writeInteger(byte) }
    }

    /// Appends the readable bytes of `other`, leaving `other` unchanged.
    public mutating func writeBuffer(_ other: ByteBuffer) {
        other.withReadableBytes { writeBytes($0) }
    }

    /// Appends the UTF-8 bytes of `string`.
    public mutating func writeString(_ string: String) {
        var string = string
        string.withUTF8 { writeBytes(UnsafeRawBufferPointer($0)) }
    }

    /// Lets `body` write up to `maximum` bytes straight into the storage (for `read(2)`); `body`
    /// returns how many it wrote.
    public mutating func writeWithUnsafeMutableBytes<E: Error>(
        maximum: Int, _ body: (UnsafeMutableRawBufferPointer) throws(E) -> Int
    ) throws(E) -> Int {
        reserveWritableCapacity(maximum)
        let written = try body(UnsafeMutableRawBufferPointer(start: storage.bytes + writerIndex, count: maximum))
        precondition(written >= 0 && written <= maximum, "wrote outside the granted range")
        writerIndex += written
        return written
    }

    // MARK: Reading

    /// The byte at `offset` past the reader index, or nil if there is none.
    public func peekInteger(at offset: Int = 0) -> UInt8? {
        guard offset >= 0, offset < readableBytes else { return nil }
        return storage.bytes.load(fromByteOffset: readerIndex + offset, as: UInt8.self)
    }

    public mutating func readInteger() -> UInt8? {
        guard let byte = peekInteger() else { return nil }
        readerIndex += 1
        return byte
    }

    /// Reads a big-endian `UInt16`.
    public mutating func readInteger() -> UInt16? {
        guard readableBytes >= 2 else { return nil }
        let high = UInt16(storage.bytes.load(fromByteOffset: readerIndex, as: UInt8.self))
        let low = UInt16(storage.bytes.load(fromByteOffset: readerIndex + 1, as: UInt8.self))
        readerIndex += 2
        return high << 8 | low
    }

    /// Consumes `count` bytes and returns them as a buffer sharing this buffer's storage.
    public mutating func readSlice(length count: Int) -> ByteBuffer? {
        guard count >= 0, count <= readableBytes else { return nil }
        var slice = self
        slice.writerIndex = readerIndex + count
        readerIndex += count
        return slice
    }

    /// Skips `count` readable bytes.
    public mutating func moveReaderIndex(forwardBy count: Int) {
        precondition(count >= 0 && count <= readableBytes, "cannot skip past the readable bytes")
        readerIndex += count
    }

    /// Drops everything past the first `count` readable bytes.
    public mutating func truncateReadable(to count: Int) {
        precondition(count >= 0 && count <= readableBytes, "cannot truncate beyond the readable bytes")
        writerIndex = readerIndex + count
    }

    /// Calls `body` with the readable bytes, which it must not let escape.
    public func withReadableBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: storage.bytes + readerIndex, count: readableBytes))
    }

    /// The readable bytes decoded as UTF-8, with ill-formed sequences repaired (cold paths only).
    public var readableString: String {
        withReadableBytes { String(decoding: $0, as: UTF8.self) }
    }
}

extension ByteBuffer: Equatable {
    /// Two buffers are equal when their readable bytes are.
    public static func == (lhs: ByteBuffer, rhs: ByteBuffer) -> Bool {
        guard lhs.readableBytes == rhs.readableBytes else { return false }
        if lhs.storage === rhs.storage && lhs.readerIndex == rhs.readerIndex { return true }
        return lhs.withReadableBytes { left in
            rhs.withReadableBytes { right in
                left.elementsEqual(right)
            }
        }
    }
}

extension ByteBuffer: Hashable {
    public func hash(into hasher: inout Hasher) {
        withReadableBytes { hasher.combine(bytes: $0) }
    }
}

extension ByteBuffer: CustomStringConvertible {
    public var description: String {
        let hex = withReadableBytes { bytes in
            bytes.prefix(64).map { byte in
                let digits = String(byte, radix: 16)
                return byte < 16 ? "0" + digits : digits
            }.joined(separator: " ")
        }
        return "ByteBuffer(\(readableBytes) bytes: \(hex)\(readableBytes > 64 ? " …" : ""))"
    }
}

extension ByteBuffer: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: UInt8...) {
        self.init(bytes: elements)
    }
}

// The outbound store keeps unacknowledged QoS 1/2 messages across a restart of the client process,
// so they are resent with their original packet identifiers [MQTT-4.4.0-1].
//
// On-disk format of `FileOutboundStore`, one file per message, named `<packet id>.pub`:
//   "SQ01" | released (1 byte: 0 = PUBLISH stage, 1 = PUBREC received) | sequence (8 bytes, big endian)
//   | the PUBLISH packet exactly as MQTT encodes it
// Files are replaced atomically (temporary file, fsync, rename), so a crash leaves the old or the new one.

import MQTTCodec
import Reactor

/// An unacknowledged outbound QoS 1/2 message as the store keeps it.
public struct StoredPublish: Sendable, Hashable {
    /// The message with its packet identifier.
    public var publish: Publish
    /// PUBREC arrived: only PUBREL is left to send [MQTT-4.3.3-1].
    public var released: Bool
    /// Order of first publication; resends follow it.
    public var sequence: UInt64

    public init(publish: Publish, released: Bool, sequence: UInt64) {
        precondition(publish.packetID != nil, "only QoS 1/2 messages are stored")
        self.publish = publish
        self.released = released
        self.sequence = sequence
    }

    public var packetID: PacketID { publish.packetID! }
}

/// Where a client keeps unacknowledged outbound messages. Called on the client's loop thread.
public protocol OutboundStore: Sendable {
    /// Every message stored, in any order.
    func load() throws(ClientError) -> [StoredPublish]
    /// Adds or replaces the message with this packet identifier; returns once it is durable.
    func save(_ message: StoredPublish) throws(ClientError)
    /// Drops the message with this packet identifier, if any.
    func remove(_ packetID: PacketID) throws(ClientError)
}

/// An `OutboundStore` in a directory, one durable file per message.
public struct FileOutboundStore: OutboundStore {
    private static let magic: [UInt8] = Array("SQ01".utf8)
    private static let suffix = ".pub"
    let directory: DurableDirectory

    /// Opens (creating if needed) the store in `path`. Use one directory per client id.
    public init(path: String) throws(ClientError) {
        do { directory = try DurableDirectory(path: path) } catch { throw .storeFailed(error) }
    }

    public func load() throws(ClientError) -> [StoredPublish] {
        let names: [String]
        do { names = try directory.entryNames() } catch { throw .storeFailed(error) }
        var messages: [StoredPublish] = []
        for name in names {
            if name.hasSuffix(".tmp") {
                // An interrupted write: the previous version of the entry stands.
                do { try directory.remove(name) } catch { throw .storeFailed(error) }
                continue
            }
            guard name.hasSuffix(Self.suffix) else { continue }
            let bytes: ByteBuffer
            do { bytes = try directory.read(name) } catch { throw .storeFailed(error) }
            guard let message = Self.decode(bytes) else { throw .storeCorrupt(entry: name) }
            messages.append(message)
        }
        return messages
    }

    public func save(_ message: StoredPublish) throws(ClientError) {
        var bytes = ByteBuffer(capacity: 13 + message.publish.encodedSize)
        bytes.writeBytes(Self.magic)
        bytes.writeInteger(UInt8(message.released ? 1 : 0))
        bytes.writeInteger(UInt16(truncatingIfNeeded: message.sequence >> 48))
        bytes.writeInteger(UInt16(truncatingIfNeeded: message.sequence >> 32))
        bytes.writeInteger(UInt16(truncatingIfNeeded: message.sequence >> 16))
        bytes.writeInteger(UInt16(truncatingIfNeeded: message.sequence))
        message.publish.encode(into: &bytes)
        do { try directory.write(Self.name(message.packetID), bytes) } catch { throw .storeFailed(error) }
    }

    public func remove(_ packetID: PacketID) throws(ClientError) {
        do { try directory.remove(Self.name(packetID)) } catch { throw .storeFailed(error) }
    }

    private static func name(_ packetID: PacketID) -> String { "\(packetID.rawValue)\(suffix)" }

    static func decode(_ bytes: ByteBuffer) -> StoredPublish? {
        var bytes = bytes
        for expected in magic {
            guard let byte: UInt8 = bytes.readInteger(), byte == expected else { return nil }
        }
        guard let released: UInt8 = bytes.readInteger(), released <= 1 else { return nil }
        var sequence: UInt64 = 0
        for _ in 0..<4 {
            guard let part: UInt16 = bytes.readInteger() else { return nil }
            sequence = sequence << 16 | UInt64(part)
        }
        guard case .publish(let publish)? = try? PacketDecoder().decode(from: &bytes), publish.packetID != nil,
            bytes.readableBytes == 0
        else { return nil }
        return StoredPublish(publish: publish, released: released == 1, sequence: sequence)
    }
}

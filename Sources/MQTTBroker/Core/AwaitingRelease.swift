// The QoS 2 messages a session has received and not yet released by PUBREL, by packet identifier:
// delivered onwards on PUBREL, so a resent PUBLISH is never delivered twice [MQTT-4.3.3-2].
//
// A client usually has one or a few of these open, released in the order sent, so they live in a
// short array scanned from the front; hashing a packet identifier on every PUBLISH and PUBREL cost
// more than the scan. A client holding more than `scannedCount` open (at most 65535) gets the rest
// in a dictionary, so a flood of unreleased messages cannot make each lookup a long scan.

import MQTTCodec

/// Received QoS 2 messages waiting for their PUBREL.
struct AwaitingRelease {
    static let scannedCount = 32

    private var few: [(PacketID, Message)] = []
    private var many: [PacketID: Message] = [:]

    var count: Int { few.count + many.count }

    /// Keeps `message` under `id` unless a message is already kept under it (a resent PUBLISH).
    mutating func keep(_ message: @autoclosure () -> Message, for id: PacketID) {
        if few.contains(where: { $0.0 == id }) || (!many.isEmpty && many[id] != nil) { return }
        if few.count < Self.scannedCount {
            few.append((id, message()))
        } else {
            many[id] = message()
        }
    }

    /// Removes and returns the message kept under `id`, if any.
    mutating func release(_ id: PacketID) -> Message? {
        if let index = few.firstIndex(where: { $0.0 == id }) { return few.remove(at: index).1 }
        return many.isEmpty ? nil : many.removeValue(forKey: id)
    }
}

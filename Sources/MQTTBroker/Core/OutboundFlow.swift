// The server-to-client side of QoS 1 and 2 for one session (section 4.3):
//
//   QoS 1:  PUBLISH ──▶ awaitingPubAck ──PUBACK──▶ done
//   QoS 2:  PUBLISH ──▶ awaitingPubRec ──PUBREC──▶ (send PUBREL) awaitingPubComp ──PUBCOMP──▶ done
//
// At most `maximumInFlight` messages are unacknowledged at once (max_inflight_messages; never more
// than 65535, the number of packet identifiers); the rest wait in a bounded queue
// (max_queued_messages), also while the client is offline. On reconnect every unacknowledged
// PUBLISH is sent again with DUP set and every PUBREL again [MQTT-4.4.0-1]. An acknowledgement of
// the wrong kind for its packet identifier (PUBACK for a QoS 2 message) is a protocol error, as in
// Mosquitto.

import MQTTCodec
import Reactor

/// One message waiting for, or in, the in-flight window.
struct PendingDelivery {
    let message: Message
    let qos: QoS
    /// RETAIN as delivered: set only for messages sent because of a new subscription [MQTT-3.3.1-8].
    let retain: Bool
}

/// Outbound QoS state of one session.
struct OutboundFlow {
    enum Stage: Equatable {
        case awaitingPubAck
        case awaitingPubRec
        case awaitingPubComp
    }

    struct InFlight {
        let packetID: PacketID
        let delivery: PendingDelivery
        var stage: Stage
    }

    /// What to do with a message offered to the session.
    enum Admission: Equatable {
        /// Send it now, with this packet identifier for QoS 1/2.
        case send(PacketID?)
        case queued
        /// The queue is full: the message is dropped (and must be counted). `firstInARow` when the
        /// offer before it was taken: the drop is logged once per run of drops, as Mosquitto does,
        /// not once per message while a subscriber falls behind.
        case dropped(firstInARow: Bool)
    }

    /// What an acknowledgement from the client did.
    enum AcknowledgementOutcome: Equatable {
        case accepted
        /// No message in flight has that identifier (a late duplicate): ignored.
        case unknownPacketID
        /// The identifier belongs to a message of the other QoS: a protocol error.
        case wrongQoS
    }

    static let packetIDCount = Int(UInt16.max)

    let maximumInFlight: Int
    let maximumQueued: Int
    let maximumQueuedBytes: Int
    /// Payload bytes in `queue`.
    private(set) var queuedBytes = 0
    /// In sending order; the window is small (20 by default), so a linear scan is the fast choice.
    private(set) var inFlight: [InFlight] = []
    /// Identifiers in flight, kept only for windows wider than `scannedWindow`; a narrower window
    /// (20 by default) is scanned instead, which costs less than hashing on every send and
    /// acknowledgement.
    private var idsInUse: Set<UInt16>?
    static let scannedWindow = 32
    private(set) var queue = RingBuffer<PendingDelivery>()
    private var nextPacketID = PacketID.first
    /// Whether the last offer was dropped.
    private var isDropping = false

    init(maximumInFlight: Int, maximumQueued: Int, maximumQueuedBytes: Int = 0) {
        self.maximumInFlight = maximumInFlight > 0 ? min(maximumInFlight, Self.packetIDCount) : Self.packetIDCount
        self.maximumQueued = maximumQueued
        self.maximumQueuedBytes = maximumQueuedBytes
        if self.maximumInFlight > Self.scannedWindow { idsInUse = [] }
    }

    private var windowIsFull: Bool { inFlight.count >= maximumInFlight }

    /// Offers a message. QoS 1/2 to an online session with room in the window is sent at once;
    /// otherwise it queues behind earlier messages, up to the queue limit. QoS 0 is only offered here
    /// for offline sessions with `queue_qos0_messages`, and queues the same way.
    mutating func admit(_ delivery: PendingDelivery, online: Bool) -> Admission {
        if online && queue.isEmpty && (delivery.qos == .atMostOnce || !windowIsFull) {
            isDropping = false
            return .send(delivery.qos == .atMostOnce ? nil : start(delivery))
        }
        let size = delivery.message.payloadLength
        if (maximumQueued > 0 && queue.count >= maximumQueued)
            || (maximumQueuedBytes > 0 && queuedBytes + size > maximumQueuedBytes)
        {
            defer { isDropping = true }
            return .dropped(firstInARow: !isDropping)
        }
        isDropping = false
        queue.append(delivery)
        queuedBytes += size
        return .queued
    }

    /// Moves queued messages out while the window has room; returns what to send (QoS 0 entries
    /// without a packet identifier).
    mutating func releaseQueued(into sends: inout [(PacketID?, PendingDelivery)]) {
        guard !queue.isEmpty else { return }
        while let head = queue.first?.qos, head == .atMostOnce || !windowIsFull {
            let next = queue.popFirst()!
            queuedBytes -= next.message.payloadLength
            sends.append((next.qos == .atMostOnce ? nil : start(next), next))
        }
    }

    private mutating func start(_ delivery: PendingDelivery) -> PacketID {
        let id = allocatePacketID()
        let stage: Stage = delivery.qos == .atLeastOnce ? .awaitingPubAck : .awaitingPubRec
        inFlight.append(InFlight(packetID: id, delivery: delivery, stage: stage))
        idsInUse?.insert(id.rawValue)
        return id
    }

    /// Identifiers start at 1 for each session, as Mosquitto's do, and skip those still in use. The
    /// window never exceeds 65535, so a free one always exists.
    private mutating func allocatePacketID() -> PacketID {
        while isInUse(nextPacketID) { nextPacketID = nextPacketID.next }
        defer { nextPacketID = nextPacketID.next }
        return nextPacketID
    }

    private func isInUse(_ id: PacketID) -> Bool {
        if let idsInUse { return idsInUse.contains(id.rawValue) }
        return inFlight.contains { $0.packetID == id }
    }

    /// Acknowledgements usually arrive in sending order, so the head is checked before a scan.
    private func inFlightIndex(of id: PacketID) -> Int? {
        if let first = inFlight.first, first.packetID == id { return 0 }
        return inFlight.firstIndex { $0.packetID == id }
    }

    private mutating func complete(at index: Int) {
        idsInUse?.remove(inFlight[index].packetID.rawValue)
        inFlight.remove(at: index)
    }

    /// PUBACK: completes a QoS 1 delivery.
    mutating func pubAckReceived(_ id: PacketID) -> AcknowledgementOutcome {
        guard let index = inFlightIndex(of: id) else { return .unknownPacketID }
        guard inFlight[index].stage == .awaitingPubAck else { return .wrongQoS }
        complete(at: index)
        return .accepted
    }

    /// PUBREC: the client has the QoS 2 message. A repeated PUBREC (after reconnect) is accepted
    /// again, so it is answered with PUBREL again.
    mutating func pubRecReceived(_ id: PacketID) -> AcknowledgementOutcome {
        guard let index = inFlightIndex(of: id) else { return .unknownPacketID }
        guard inFlight[index].stage != .awaitingPubAck else { return .wrongQoS }
        inFlight[index].stage = .awaitingPubComp
        return .accepted
    }

    /// PUBCOMP: completes a QoS 2 delivery.
    mutating func pubCompReceived(_ id: PacketID) -> AcknowledgementOutcome {
        guard let index = inFlightIndex(of: id) else { return .unknownPacketID }
        guard inFlight[index].stage == .awaitingPubComp else {
            return inFlight[index].stage == .awaitingPubAck ? .wrongQoS : .unknownPacketID
        }
        complete(at: index)
        return .accepted
    }

    /// Everything unacknowledged, in order, for resending on reconnect.
    var unacknowledged: [InFlight] { inFlight }
}

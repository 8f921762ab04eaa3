// The server-to-client side of QoS 1 and 2 for one session (section 4.3):
//
//   QoS 1:  PUBLISH ──▶ awaitingPubAck ──PUBACK──▶ done
//   QoS 2:  PUBLISH ──▶ awaitingPubRec ──PUBREC──▶ (send PUBREL) awaitingPubComp ──PUBCOMP──▶ done
//
// At most `maximumInFlight` messages are unacknowledged at once (max_inflight_messages); the rest
// wait in a bounded queue (max_queued_messages), also while the client is offline. On reconnect every
// unacknowledged PUBLISH is sent again with DUP set and every PUBREL again [MQTT-4.4.0-1].

import MQTTCodec

/// One message waiting for, or in, the in-flight window.
struct PendingDelivery {
    let message: Message
    let qos: QoS
    /// RETAIN as delivered: set only for messages sent because of a new subscription [MQTT-3.3.1-8].
    let retain: Bool
}

/// Outbound QoS 1/2 state of one session.
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
        /// Send it now with this packet identifier.
        case send(PacketID)
        case queued
        /// The queue is full: the message is dropped (and must be counted).
        case dropped
    }

    let maximumInFlight: Int
    let maximumQueued: Int
    /// In sending order; the window is small (20 by default), so a linear scan is the fast choice.
    private(set) var inFlight: [InFlight] = []
    private(set) var queue = RingBuffer<PendingDelivery>()
    private var nextPacketID = PacketID.first

    init(maximumInFlight: Int, maximumQueued: Int) {
        self.maximumInFlight = maximumInFlight
        self.maximumQueued = maximumQueued
    }

    private var windowIsFull: Bool { maximumInFlight > 0 && inFlight.count >= maximumInFlight }

    /// Offers a QoS 1/2 message. Online sessions with room in the window send at once; otherwise it
    /// queues behind earlier messages, up to the queue limit.
    mutating func admit(_ delivery: PendingDelivery, online: Bool) -> Admission {
        precondition(delivery.qos != .atMostOnce, "QoS 0 messages bypass the flow")
        if online && queue.isEmpty && !windowIsFull {
            return .send(start(delivery))
        }
        if maximumQueued > 0 && queue.count >= maximumQueued { return .dropped }
        queue.append(delivery)
        return .queued
    }

    /// Moves queued messages into the window while it has room; returns what to send.
    mutating func releaseQueued(into sends: inout [(PacketID, PendingDelivery)]) {
        while !windowIsFull, let next = queue.popFirst() {
            sends.append((start(next), next))
        }
    }

    private mutating func start(_ delivery: PendingDelivery) -> PacketID {
        let id = allocatePacketID()
        inFlight.append(InFlight(packetID: id, delivery: delivery, stage: delivery.qos == .atLeastOnce ? .awaitingPubAck : .awaitingPubRec))
        return id
    }

    /// Identifiers start at 1 for each session, as Mosquitto's do, and skip those still in use.
    private mutating func allocatePacketID() -> PacketID {
        while inFlight.contains(where: { $0.packetID == nextPacketID }) { nextPacketID = nextPacketID.next }
        defer { nextPacketID = nextPacketID.next }
        return nextPacketID
    }

    /// PUBACK: completes a QoS 1 delivery. False if no such delivery awaited it.
    mutating func pubAckReceived(_ id: PacketID) -> Bool {
        guard let index = inFlight.firstIndex(where: { $0.packetID == id && $0.stage == .awaitingPubAck }) else {
            return false
        }
        inFlight.remove(at: index)
        return true
    }

    /// PUBREC: the client has the QoS 2 message; the server answers PUBREL whatever the state
    /// (a PUBREC repeated after reconnect must still be answered).
    mutating func pubRecReceived(_ id: PacketID) -> Bool {
        guard let index = inFlight.firstIndex(where: { $0.packetID == id }) else { return false }
        inFlight[index].stage = .awaitingPubComp
        return true
    }

    /// PUBCOMP: completes a QoS 2 delivery.
    mutating func pubCompReceived(_ id: PacketID) -> Bool {
        guard let index = inFlight.firstIndex(where: { $0.packetID == id && $0.stage == .awaitingPubComp }) else {
            return false
        }
        inFlight.remove(at: index)
        return true
    }

    /// Everything unacknowledged, in order, for resending on reconnect.
    var unacknowledged: [InFlight] { inFlight }

    /// Forgets everything (clean session).
    mutating func reset() {
        inFlight.removeAll()
        queue.removeAll()
        nextPacketID = .first
    }
}

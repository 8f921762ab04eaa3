// When the client acknowledges an inbound QoS 1/2 PUBLISH (PUBACK or PUBREC).
//
// `.onReceipt` answers as soon as the packet is decoded: a process that dies before its code has
// handled the message loses it, because the broker already forgot it. `.afterHandling` holds the
// answer until every stream the message went to has moved past it (its consumer asked for the next
// message), so a message is either handled or sent again after a reconnect: at least once
// end to end. The answers still go out in the order the PUBLISHes arrived [MQTT-4.6.0-2]
// [MQTT-4.6.0-3], so a message that is slow to handle holds back the answers of the ones after it.

import MQTTCodec

/// When the client sends PUBACK (QoS 1) or PUBREC (QoS 2) for a message the broker delivered.
public enum InboundAcknowledgement: Sendable, Hashable {
    /// As soon as the PUBLISH is read.
    case onReceipt
    /// Once every stream the message went to has handed it out and been asked for the next one.
    case afterHandling
}

/// Names one delivered message whose acknowledgement waits for its consumers.
public struct HandlingTicket: Hashable, Sendable {
    public let rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
}

/// The acknowledgements held back for `.afterHandling`, in arrival order.
struct PendingAcknowledgements: Sendable {
    struct Entry: Sendable {
        let ticket: HandlingTicket
        let packetID: PacketID
        let qos: QoS
        /// Consumers still handling the message; nil until the driver says how many got it.
        var consumers: Int?
        /// A consumer stopped without handling it: it must not be acknowledged.
        var abandoned = false

        var isSettled: Bool { consumers == 0 }
    }

    private var entries: [Entry] = []
    private var head = 0
    private var nextTicket: UInt64 = 0

    var isEmpty: Bool { head == entries.count }

    /// Whether `packetID` names a message still being handled: a resend of it is not new. An
    /// abandoned one is not: its resend must be delivered again.
    func isHandling(_ packetID: PacketID) -> Bool {
        entries[head...].contains { $0.packetID == packetID && !$0.abandoned }
    }

    /// Records a delivered message; its answer waits until `settled`.
    mutating func add(_ packetID: PacketID, qos: QoS) -> HandlingTicket {
        let ticket = HandlingTicket(nextTicket)
        nextTicket += 1
        entries.append(Entry(ticket: ticket, packetID: packetID, qos: qos))
        return ticket
    }

    /// The driver handed the message to `count` consumers (0: no stream wanted it).
    mutating func delivered(_ ticket: HandlingTicket, consumers count: Int) {
        guard let position = position(of: ticket) else { return }
        entries[position].consumers = count
    }

    /// One consumer is done with the message (`handled`), or stopped before it was (`abandoned`).
    mutating func finished(_ ticket: HandlingTicket, handled: Bool) {
        guard let position = position(of: ticket), let count = entries[position].consumers, count > 0 else { return }
        entries[position].consumers = count - 1
        if !handled { entries[position].abandoned = true }
    }

    /// Removes the settled messages at the front, in arrival order: those to acknowledge, and
    /// abandoned ones, which are dropped unanswered (the broker sends them again after a reconnect).
    mutating func takeSettled() -> [Entry] {
        var settled: [Entry] = []
        while head < entries.count, entries[head].isSettled {
            if !entries[head].abandoned { settled.append(entries[head]) }
            head += 1
        }
        if head == entries.count {
            entries.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 64 && head > entries.count / 2 {
            entries.removeFirst(head)
            head = 0
        }
        return settled
    }

    /// The broker no longer holds these messages (new session): nothing left to answer.
    mutating func removeAll() {
        entries.removeAll()
        head = 0
    }

    private func position(of ticket: HandlingTicket) -> Int? {
        // Tickets are increasing along the entries: binary search.
        var low = head
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].ticket.rawValue < ticket.rawValue { low = middle + 1 } else { high = middle }
        }
        return low < entries.count && entries[low].ticket == ticket ? low : nil
    }
}

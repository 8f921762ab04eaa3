// `OutboundFlow` on its own: the window, the queue, the resend list and packet identifiers.

import MQTTCodec
import Testing

@testable import MQTTBroker

private func delivery(_ payload: String, qos: QoS = .atLeastOnce) -> PendingDelivery {
    PendingDelivery(message: message("t", payload, qos: qos), qos: qos, retain: false)
}

extension OutboundFlow {
    /// Releases what the window has room for, as (packet id, payload) pairs.
    mutating func released() -> [(UInt16, String)] {
        var sends: [(PacketID?, PendingDelivery)] = []
        releaseQueued(into: &sends)
        return sends.map { ($0.0?.rawValue ?? 0, $0.1.message.payload.readableString) }
    }

    var inFlightSummary: [String] {
        inFlight.map { "\($0.packetID):\($0.delivery.message.payload.readableString):\($0.stage)" }
    }
}

@Suite struct OutboundFlowTests {
    @Test("online with room: sent at once with increasing identifiers; a full window queues")
    func window() {
        var flow = OutboundFlow(maximumInFlight: 3, maximumQueued: 10)
        let admissions = (1...5).map { flow.admit(delivery("m\($0)"), online: true) }
        #expect(admissions == [.send(1), .send(2), .send(3), .queued, .queued])
        #expect(flow.released().isEmpty, "no room yet")
        #expect(flow.pubAckReceived(2) == .accepted)
        #expect(flow.released().map(\.0) == [4])
        #expect(flow.released().isEmpty)
        #expect(flow.inFlightSummary == ["1:m1:awaitingPubAck", "3:m3:awaitingPubAck", "4:m4:awaitingPubAck"])
        #expect([flow.pubAckReceived(1), flow.pubAckReceived(3)] == [.accepted, .accepted])
        #expect(flow.released().map(\.1) == ["m5"])
    }

    @Test("a queued message stays behind earlier ones even when the window has room")
    func queueKeepsOrder() {
        var flow = OutboundFlow(maximumInFlight: 1, maximumQueued: 10)
        #expect(flow.admit(delivery("m1"), online: true) == .send(1))
        #expect(flow.admit(delivery("m2"), online: true) == .queued)
        #expect(flow.pubAckReceived(1) == .accepted)
        #expect(flow.admit(delivery("m3"), online: true) == .queued, "m2 is still waiting: m3 must not overtake it")
        #expect(flow.released().map(\.1) == ["m2"])
    }

    @Test("offline: everything queues, up to the limit; the rest is dropped")
    func offlineQueue() {
        var flow = OutboundFlow(maximumInFlight: 2, maximumQueued: 3)
        let admissions = (1...5).map { flow.admit(delivery("m\($0)"), online: false) }
        #expect(admissions == [.queued, .queued, .queued, .dropped(firstInARow: true), .dropped(firstInARow: false)])
        #expect(flow.released().map { "\($0.0):\($0.1)" } == ["1:m1", "2:m2"])
        #expect(flow.queue.count == 1)
    }

    @Test("limits of 0 mean no limit")
    func unlimited() {
        var flow = OutboundFlow(maximumInFlight: 0, maximumQueued: 0)
        for index in 1...100 {
            #expect(flow.admit(delivery("m\(index)"), online: true) == .send(PacketID(rawValue: UInt16(index))!))
        }
        var offline = OutboundFlow(maximumInFlight: 1, maximumQueued: 0)
        for index in 1...100 { #expect(offline.admit(delivery("m\(index)"), online: false) == .queued) }
    }

    @Test("QoS 2 stages: PUBREC moves to awaiting PUBCOMP, only PUBCOMP completes; a PUBACK is the wrong QoS")
    func qos2Stages() {
        var flow = OutboundFlow(maximumInFlight: 5, maximumQueued: 5)
        #expect(flow.admit(delivery("m1", qos: .exactlyOnce), online: true) == .send(1))
        #expect(flow.pubCompReceived(1) == .unknownPacketID, "PUBCOMP before PUBREC")
        #expect(flow.pubAckReceived(1) == .wrongQoS, "PUBACK for a QoS 2 message")
        #expect(flow.pubRecReceived(1) == .accepted)
        #expect(flow.pubRecReceived(1) == .accepted, "a repeated PUBREC is accepted again")
        #expect(flow.pubRecReceived(9) == .unknownPacketID)
        #expect(flow.inFlightSummary == ["1:m1:awaitingPubComp"])
        #expect(flow.pubCompReceived(1) == .accepted)
        #expect(flow.pubCompReceived(1) == .unknownPacketID)
        #expect(flow.inFlight.isEmpty)
    }

    @Test("PUBREC and PUBCOMP are not answers to a QoS 1 PUBLISH: the wrong QoS")
    func pubRecForQoS1() {
        var flow = OutboundFlow(maximumInFlight: 5, maximumQueued: 5)
        #expect(flow.admit(delivery("m1", qos: .atLeastOnce), online: true) == .send(1))
        #expect(flow.pubRecReceived(1) == .wrongQoS)
        #expect(flow.pubCompReceived(1) == .wrongQoS)
        #expect(flow.inFlightSummary == ["1:m1:awaitingPubAck"])
    }

    @Test("the resend list keeps sending order across acknowledgements and stage changes")
    func resendOrder() {
        var flow = OutboundFlow(maximumInFlight: 10, maximumQueued: 10)
        for (index, qos) in [QoS.atLeastOnce, .exactlyOnce, .atLeastOnce, .exactlyOnce, .exactlyOnce].enumerated() {
            _ = flow.admit(delivery("m\(index + 1)", qos: qos), online: true)
        }
        #expect(flow.pubRecReceived(4) == .accepted)
        #expect(flow.pubAckReceived(3) == .accepted)
        #expect(flow.pubRecReceived(2) == .accepted)
        #expect(
            flow.unacknowledged.map { "\($0.packetID):\($0.stage)" } == [
                "1:awaitingPubAck", "2:awaitingPubComp", "4:awaitingPubComp", "5:awaitingPubRec",
            ])
    }

    /// 3 is scanned for identifiers in use, 0 (no limit) keeps a set of them.
    @Test("packet identifiers wrap from 65535 to 1 and skip those still in flight", arguments: [3, 0])
    func packetIDWrapAround(maximumInFlight: Int) {
        var flow = OutboundFlow(maximumInFlight: maximumInFlight, maximumQueued: 0)
        #expect(flow.admit(delivery("held 1"), online: true) == .send(1))
        #expect(flow.admit(delivery("held 2"), online: true) == .send(2))
        var last: OutboundFlow.Admission?
        let filler = delivery("x")
        for _ in 3...65535 {
            last = flow.admit(filler, online: true)
            guard case .send(let id?) = last, flow.pubAckReceived(id) == .accepted else { break }
        }
        #expect(last == .send(65535))
        #expect(flow.admit(delivery("wrapped"), online: true) == .send(3), "1 and 2 are in use")
        #expect(flow.pubAckReceived(1) == .accepted)
        #expect(flow.admit(delivery("next"), online: true) == .send(4), "no going back while counting up")
    }

    @Test("with every identifier in flight, a new message waits instead of looping forever")
    func allIdentifiersInUse() {
        var flow = OutboundFlow(maximumInFlight: 0, maximumQueued: 0)
        for index in 1...65535 { _ = flow.admit(delivery("m\(index)"), online: true) }
        #expect(flow.admit(delivery("one too many"), online: true) == .queued)
    }
}

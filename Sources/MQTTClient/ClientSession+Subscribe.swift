// SUBSCRIBE / UNSUBSCRIBE (sections 3.8-3.11) and how subscriptions survive a reconnect: the session
// remembers every granted filter and subscribes again when the broker reports no session
// [MQTT-3.2.2-2]; requests still unanswered are sent again on the next connection.

import MQTTCodec
import Reactor

extension ClientSession {
    /// The application subscribes. Without a connection the SUBSCRIBE goes out after the next CONNACK.
    public mutating func subscribe(
        _ requests: [Subscribe.Request], request: RequestID?, now: Instant, actions: inout [ClientAction]
    ) {
        precondition(!requests.isEmpty, "a SUBSCRIBE carries at least one filter [MQTT-3.8.3-3]")
        guard let id = allocatePacketID() else {
            if let request { actions.append(.fail(request, .packetIdentifiersExhausted)) }
            return
        }
        subscribes[id] = PendingSubscribe(requests: requests, request: request, order: takeOrder())
        if phase == .connected {
            send(.subscribe(Subscribe(packetID: id, requests: requests)), now: now, actions: &actions)
        }
    }

    /// The application unsubscribes. The filters are forgotten at once, so a reconnect in between
    /// does not restore them.
    public mutating func unsubscribe(
        _ filters: [TopicFilter], request: RequestID?, now: Instant, actions: inout [ClientAction]
    ) {
        precondition(!filters.isEmpty, "an UNSUBSCRIBE carries at least one filter [MQTT-3.10.3-2]")
        for filter in filters { established[filter] = nil }
        guard phase != .idle else {
            if let request { actions.append(.complete(request, .unsubscribed)) }
            return
        }
        guard let id = allocatePacketID() else {
            if let request { actions.append(.fail(request, .packetIdentifiersExhausted)) }
            return
        }
        unsubscribes[id] = PendingUnsubscribe(filters: filters, request: request, order: takeOrder())
        if phase == .connected {
            send(.unsubscribe(Unsubscribe(packetID: id, filters: filters)), now: now, actions: &actions)
        }
    }

    /// SUBACK: one code per filter, in order [MQTT-3.8.4-5]; 0x80 means refused [MQTT-3.9.3-2].
    mutating func subAckReceived(_ subAck: SubAck, now: Instant, actions: inout [ClientAction]) {
        guard let pending = subscribes.removeValue(forKey: subAck.packetID) else { return }
        guard subAck.returnCodes.count == pending.requests.count else {
            if let request = pending.request {
                actions.append(
                    .fail(
                        request,
                        .subAckMismatch(
                            requested: pending.requests.count, answered: subAck.returnCodes.count)))
            }
            violation(
                .subAckMismatch(requested: pending.requests.count, answered: subAck.returnCodes.count), now: now,
                actions: &actions)
            return
        }
        var refused: [TopicFilter] = []
        for (requested, code) in zip(pending.requests, subAck.returnCodes) {
            switch code {
            case .granted: established[requested.filter] = requested.qos
            case .failure:
                established[requested.filter] = nil
                refused.append(requested.filter)
            }
        }
        if let request = pending.request {
            actions.append(.complete(request, .subscribed(subAck.returnCodes)))
        } else if !refused.isEmpty {
            actions.append(.resubscribeRefused(refused))
        }
    }

    /// UNSUBACK completes the UNSUBSCRIBE with its identifier [MQTT-3.10.4-4].
    mutating func unsubAckReceived(_ id: PacketID, actions: inout [ClientAction]) {
        guard let pending = unsubscribes.removeValue(forKey: id) else { return }
        if let request = pending.request { actions.append(.complete(request, .unsubscribed)) }
    }

    /// After CONNACK without a session: one SUBSCRIBE restoring every granted filter.
    mutating func resubscribe(now: Instant, actions: inout [ClientAction]) {
        guard !established.isEmpty else { return }
        let requests = established.map { Subscribe.Request(filter: $0.key, qos: $0.value) }
            .sorted { $0.filter.string < $1.filter.string }
        guard let id = allocatePacketID() else { return }
        subscribes[id] = PendingSubscribe(requests: requests, request: nil, order: takeOrder())
        // Sent by `resendPendingSubscriptions`, in order with the other pending requests.
    }

    /// Every SUBSCRIBE and UNSUBSCRIBE still unanswered, in the order they were asked for.
    mutating func resendPendingSubscriptions(now: Instant, actions: inout [ClientAction]) {
        var packets: [(order: UInt64, packet: Packet)] = []
        for (id, pending) in subscribes {
            packets.append((pending.order, .subscribe(Subscribe(packetID: id, requests: pending.requests))))
        }
        for (id, pending) in unsubscribes {
            packets.append((pending.order, .unsubscribe(Unsubscribe(packetID: id, filters: pending.filters))))
        }
        for entry in packets.sorted(by: { $0.order < $1.order }) { send(entry.packet, now: now, actions: &actions) }
    }

    private mutating func takeOrder() -> UInt64 {
        defer { nextSequence += 1 }
        return nextSequence
    }
}

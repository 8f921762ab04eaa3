// From a published message to deliveries: the retained store, this shard's subscribers (one copy
// per session at the highest matching QoS), other shards with subscribers, and one member of each
// matching shared-subscription group.

import MQTTCodec

extension BrokerShard {
    /// Routes a message published by a client of this shard (or a will, or a `$SYS` update).
    public mutating func route(_ message: Message, actions: inout [BrokerAction]) {
        if message.retain { context.retained.update(with: message) }  // [MQTT-3.3.1-5]
        deliverToSubscribers(message, actions: &actions)
        for shard in 0..<context.shardCount where shard != index && context.shardHasSubscriptions(shard) {
            actions.append(.forward(message, shard: shard))
        }
        sharedDeliveries.removeAll(keepingCapacity: true)
        message.withTopicBytes { context.sharedSubscriptions.route(topicBytes: $0, into: &sharedDeliveries) }
        for delivery in sharedDeliveries {
            if delivery.shard == index {
                deliverShared(message, delivery, actions: &actions)
            } else {
                actions.append(.forwardShared(message, delivery))
            }
        }
    }

    /// A message another shard forwarded for this shard's subscribers.
    public mutating func deliverForwarded(_ message: Message, actions: inout [BrokerAction]) {
        deliverToSubscribers(message, actions: &actions)
    }

    /// One shared-subscription delivery chosen for a session of this shard.
    public mutating func deliverShared(_ message: Message, _ delivery: SharedDelivery, actions: inout [BrokerAction]) {
        guard let slot = sessionSlots[ClientIDKey(delivery.clientID)] else { return }
        deliver(message, toSession: slot, grantedQoS: delivery.qos, retain: false, actions: &actions)
    }

    /// Delivers to every matching ordinary subscription of this shard, once per session, at the
    /// highest QoS any of its matching subscriptions grants.
    private mutating func deliverToSubscribers(_ message: Message, actions: inout [BrokerAction]) {
        guard tree.count > 0 else { return }
        matches.removeAll(keepingCapacity: true)
        message.withTopicBytes { tree.match(topicBytes: $0, into: &matches) }
        guard !matches.isEmpty else { return }
        // Normal forwarding clears RETAIN [MQTT-3.3.1-9].
        if matches.count == 1 {  // one subscription: nothing to deduplicate
            deliver(message, toSession: matches[0].0, grantedQoS: matches[0].1, retain: false, actions: &actions)
            return
        }
        dedupeEpoch &+= 1
        if dedupeEpoch == 0 {
            for index in dedupeSeen.indices { dedupeSeen[index] = 0 }
            dedupeEpoch = 1
        }
        dedupeOrder.removeAll(keepingCapacity: true)
        for (slot, qos) in matches {
            let position = Int(slot)
            if dedupeSeen[position] != dedupeEpoch {
                dedupeSeen[position] = dedupeEpoch
                dedupeQoS[position] = qos
                dedupeOrder.append(slot)
            } else if qos > dedupeQoS[position] {
                dedupeQoS[position] = qos
            }
        }
        for slot in dedupeOrder {
            deliver(message, toSession: slot, grantedQoS: dedupeQoS[Int(slot)], retain: false, actions: &actions)
        }
    }

    /// Offers a message to one session at min(message QoS, granted QoS) [MQTT-3.8.4-6], or at the
    /// granted QoS with `upgrade_outgoing_qos`.
    /// Session fields are only reached through in-place mutating calls here: a read through
    /// `sessions[slot]!` would copy the whole session.
    mutating func deliver(_ message: Message, toSession slot: Int32, grantedQoS: QoS, retain: Bool, actions: inout [BrokerAction]) {
        let qos = limits.upgradeOutgoingQoS ? grantedQoS : min(message.qos, grantedQoS)
        let connection = sessionConnections[Int(slot)]
        // QoS 0 goes straight out unless earlier messages still wait in the queue: then behind them,
        // so a publisher's messages keep their order [MQTT-4.6.0-6] (`admit` decides both).
        if qos == .atMostOnce && connection == nil && !limits.queueQoS0Messages { return }  // queue_qos0_messages
        let delivery = PendingDelivery(message: message, qos: qos, retain: retain)
        switch sessions[Int(slot)]!.outbound.admit(delivery, online: connection != nil) {
        case .send(let packetID):
            actions.append(.deliver(connection!, message, qos: qos, packetID: packetID, retain: retain, dup: false))
        case .queued:
            break
        case .dropped(let firstInARow):
            context.statistics.publishDropped.increment()
            if firstInARow {
                actions.append(.log(.notice, "Outgoing messages are being dropped for client \(sessions[Int(slot)]!.clientID)."))
            }
        }
    }

    /// Sends queued messages while the in-flight window has room.
    mutating func releaseQueued(sessionSlot slot: Int32, actions: inout [BrokerAction]) {
        guard let connection = sessionConnections[Int(slot)] else { return }
        sessions[Int(slot)]!.outbound.releaseQueued(into: &releases)  // returns at once when nothing is queued
        guard !releases.isEmpty else { return }
        for (packetID, delivery) in releases {
            actions.append(.deliver(connection, delivery.message, qos: delivery.qos, packetID: packetID, retain: delivery.retain, dup: false))
        }
        releases.removeAll(keepingCapacity: true)
    }
}

// SUBSCRIBE and UNSUBSCRIBE (sections 3.8 and 3.10), ordinary and `$share/<group>/<filter>`.

import MQTTCodec

extension BrokerShard {
    mutating func handleSubscribe(_ subscribe: Subscribe, sessionSlot slot: Int32, on id: ConnectionID, actions: inout [BrokerAction]) {
        let clientID = sessions[Int(slot)]!.clientID
        var codes: [SubAckReturnCode] = []
        codes.reserveCapacity(subscribe.requests.count)
        var retainedToSend: [(Message, QoS)] = []
        for request in subscribe.requests {
            let shared: SharedFilter?
            switch SharedFilter.parse(request.filter) {
            case .none: shared = nil
            case .success(let parsed): shared = parsed
            case .failure:
                codes.append(.failure)  // [MQTT-3.9.3-2]
                continue
            }
            let qos = request.qos  // granted as requested [MQTT-3.8.4-6]
            // An identical filter replaces the existing subscription [MQTT-3.8.4-3].
            sessions[Int(slot)]!.subscriptions[request.filter.string] = SessionSubscription(qos: qos, shared: shared)
            if let shared {
                context.sharedSubscriptions.subscribe(shared, shard: index, clientID: clientID, qos: qos)
            } else {
                if tree.insert(request.filter, subscriber: slot, qos: qos) {
                    context.adjustSubscriptionCount(shard: index, by: 1)
                }
                // Retained messages go to ordinary subscriptions only, as Mosquitto does [MQTT-3.3.1-6].
                for message in context.retained.matching(request.filter) { retainedToSend.append((message, qos)) }
            }
            codes.append(.granted(qos))
            actions.append(.log(.subscribe, "\(clientID) \(qos.rawValue) \(request.filter)"))
        }
        actions.append(.send(id, .subAck(SubAck(packetID: subscribe.packetID, returnCodes: codes))))  // [MQTT-3.8.4-1]
        for (message, qos) in retainedToSend {
            deliver(message, toSession: slot, grantedQoS: qos, retain: true, actions: &actions)  // [MQTT-3.3.1-8]
        }
    }

    mutating func handleUnsubscribe(_ unsubscribe: Unsubscribe, sessionSlot slot: Int32, on id: ConnectionID, actions: inout [BrokerAction]) {
        let clientID = sessions[Int(slot)]!.clientID
        for filter in unsubscribe.filters {
            if let subscription = sessions[Int(slot)]!.subscriptions.removeValue(forKey: filter.string) {
                removeSubscription(subscription, filter: filter, sessionSlot: slot, clientID: clientID)  // [MQTT-3.10.4-1]
            }
            actions.append(.log(.unsubscribe, "\(clientID) \(filter)"))
        }
        actions.append(.send(id, .unsubAck(UnsubAck(packetID: unsubscribe.packetID))))  // [MQTT-3.10.4-4], [MQTT-3.10.4-5]
    }
}

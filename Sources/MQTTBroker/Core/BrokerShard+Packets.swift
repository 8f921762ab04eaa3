// Dispatch of every packet a client may send once connected; one function per packet family.

import MQTTCodec
import Reactor

extension BrokerShard {
    /// A decoded packet arrived on `id`.
    public mutating func received(_ packet: Packet, on id: ConnectionID, now: Instant, actions: inout [BrokerAction]) {
        if case .connect(let connect) = packet, isLive(id), connections[Int(id.slot)]!.session == nil {
            noteTraffic(on: id, now: now)
            handleConnect(connect, on: id, actions: &actions)
            return
        }
        guard let slot = sessionSlot(receiving: packet.type, on: id, now: now, actions: &actions) else { return }
        switch packet {
        case .connect: close(id, reason: .protocolViolation(.secondConnect), actions: &actions)
        case .publish(let publish): handlePublish(.decoded(publish), sessionSlot: slot, on: id, actions: &actions)
        case .pubAck(let ack): handleAcknowledgement(PublishAcknowledgement(.pubAck, ack.packetID), sessionSlot: slot, on: id, actions: &actions)
        case .pubRec(let rec): handleAcknowledgement(PublishAcknowledgement(.pubRec, rec.packetID), sessionSlot: slot, on: id, actions: &actions)
        case .pubRel(let rel): handleAcknowledgement(PublishAcknowledgement(.pubRel, rel.packetID), sessionSlot: slot, on: id, actions: &actions)
        case .pubComp(let comp): handleAcknowledgement(PublishAcknowledgement(.pubComp, comp.packetID), sessionSlot: slot, on: id, actions: &actions)
        case .subscribe(let subscribe): handleSubscribe(subscribe, sessionSlot: slot, on: id, actions: &actions)
        case .unsubscribe(let unsubscribe): handleUnsubscribe(unsubscribe, sessionSlot: slot, on: id, actions: &actions)
        case .pingReq: actions.append(.send(id, .pingResp))  // [MQTT-3.12.4-1]
        case .disconnect:
            sessions[Int(slot)]!.will = nil  // [MQTT-3.14.4-3]
            close(id, reason: .clientDisconnected, actions: &actions)
        case .connAck, .subAck, .unsubAck, .pingResp:
            close(id, reason: .protocolViolation(.serverOnlyPacket(packet.type)), actions: &actions)
        }
    }

    /// A PUBACK, PUBREC, PUBREL or PUBCOMP the loop decoded on its fast path: the same as `received`
    /// with the matching `Packet`, without building one.
    public mutating func received(_ acknowledgement: PublishAcknowledgement, on id: ConnectionID, now: Instant, actions: inout [BrokerAction]) {
        guard let slot = sessionSlot(receiving: acknowledgement.kind.packetType, on: id, now: now, actions: &actions) else { return }
        handleAcknowledgement(acknowledgement, sessionSlot: slot, on: id, actions: &actions)
    }

    /// A PUBLISH still in the loop's read buffer (`packet`, its bytes, valid only during this
    /// call), checked by `PacketDecoder.peekPublish`: the same as `received(.publish(...))`, with
    /// the message copied from the packet only if it is kept.
    public mutating func received(
        publishIn packet: UnsafeRawBufferPointer, layout: PublishLayout, on id: ConnectionID, now: Instant,
        actions: inout [BrokerAction]
    ) {
        guard let slot = sessionSlot(receiving: .publish, on: id, now: now, actions: &actions) else { return }
        handlePublish(.inPlace(packet, layout), sessionSlot: slot, on: id, actions: &actions)
    }

    /// Notes a packet of `type` arriving on `id` and returns its session's slot. Nil when the
    /// connection is gone, or has not sent CONNECT yet: then it is closed [MQTT-3.1.0-1].
    private mutating func sessionSlot(
        receiving type: PacketType, on id: ConnectionID, now: Instant, actions: inout [BrokerAction]
    ) -> Int32? {
        guard isLive(id) else { return nil }
        noteTraffic(on: id, now: now)
        guard let slot = connections[Int(id.slot)]!.session else {
            close(id, reason: .protocolViolation(.firstPacketNotConnect(type)), actions: &actions)
            return nil
        }
        return slot
    }

    private mutating func noteTraffic(on id: ConnectionID, now: Instant) {
        latestTime = now
        connections[Int(id.slot)]!.lastReceived = now
    }

    private mutating func handleAcknowledgement(
        _ acknowledgement: PublishAcknowledgement, sessionSlot slot: Int32, on id: ConnectionID, actions: inout [BrokerAction]
    ) {
        let packetID = acknowledgement.packetID
        switch acknowledgement.kind {
        case .pubAck:
            let outcome = sessions[Int(slot)]!.outbound.pubAckReceived(packetID)
            acknowledged(outcome, .pubAck, sessionSlot: slot, on: id, actions: &actions)
        case .pubRec:
            let outcome = sessions[Int(slot)]!.outbound.pubRecReceived(packetID)
            if outcome != .wrongQoS { actions.append(.acknowledge(id, PublishAcknowledgement(.pubRel, packetID))) }  // [MQTT-4.3.3-1]
            acknowledged(outcome, .pubRec, sessionSlot: slot, on: id, actions: &actions)
        case .pubRel:
            handlePubRel(packetID, sessionSlot: slot, on: id, actions: &actions)
        case .pubComp:
            let outcome = sessions[Int(slot)]!.outbound.pubCompReceived(packetID)
            acknowledged(outcome, .pubComp, sessionSlot: slot, on: id, actions: &actions)
        }
    }

    /// Bytes on `id` were not a valid packet: CONNACK 0x01 for an unsupported protocol level in the
    /// first packet [MQTT-3.1.2-2], then close in every case [MQTT-4.8.0-1].
    public mutating func decodeFailed(_ error: DecodeError, on id: ConnectionID, actions: inout [BrokerAction]) {
        guard let record = record(id) else { return }
        if case .unsupportedProtocolLevel = error, record.session == nil {
            actions.append(.send(id, .connAck(ConnAck(sessionPresent: false, returnCode: .unacceptableProtocolVersion))))
        }
        close(id, reason: .malformedPacket(error), actions: &actions)
    }

    /// Adds what this shard counted since the last call to the broker's statistics.
    public mutating func flushStatistics() {
        guard publishesReceived > 0 else { return }
        context.statistics.publishReceived.increment(by: publishesReceived)
        publishesReceived = 0
    }

    // MARK: Inbound PUBLISH

    private mutating func handlePublish(
        _ publish: InboundPublish, sessionSlot slot: Int32, on id: ConnectionID, actions: inout [BrokerAction]
    ) {
        publishesReceived += 1
        if publish.retain && !limits.retainAvailable {
            close(id, reason: .protocolViolation(.retainNotAvailable), actions: &actions)
            return
        }
        let tooLarge = limits.messageSizeLimit > 0 && publish.payloadLength > limits.messageSizeLimit
        // `$SYS` belongs to the broker: a client's PUBLISH there is acknowledged and dropped, as
        // Mosquitto's default access rules do [MQTT-3.3.5-2].
        let denied = publish.isSystemTopic
        let dropped = tooLarge || denied
        if tooLarge {
            context.statistics.publishDropped.increment()
            let clientID = sessions[Int(slot)]!.clientID
            actions.append(.log(.notice, "Dropped too large PUBLISH from \(clientID) (\(publish.payloadLength) bytes on \(publish.topicDescription))."))
        } else if denied {
            actions.append(.log(.debug, "Denied PUBLISH from \(sessions[Int(slot)]!.clientID) to \(publish.topicDescription)."))
        }
        switch publish.qos {
        case .atMostOnce:
            if !dropped { route(publish.message(), actions: &actions) }
        case .atLeastOnce:
            if !dropped { route(publish.message(), actions: &actions) }
            actions.append(.acknowledge(id, PublishAcknowledgement(.pubAck, publish.packetID!)))  // [MQTT-4.3.2-2]
        case .exactlyOnce:
            // Stored until PUBREL, so a resent PUBLISH with the same id is not delivered twice [MQTT-4.3.3-2].
            let packetID = publish.packetID!
            if !dropped { sessions[Int(slot)]!.inboundAwaitingRelease.keep(publish.message(), for: packetID) }
            actions.append(.acknowledge(id, PublishAcknowledgement(.pubRec, packetID)))
        }
    }

    private mutating func handlePubRel(_ packetID: PacketID, sessionSlot slot: Int32, on id: ConnectionID, actions: inout [BrokerAction]) {
        if let message = sessions[Int(slot)]!.inboundAwaitingRelease.release(packetID) {
            route(message, actions: &actions)
        }
        actions.append(.acknowledge(id, PublishAcknowledgement(.pubComp, packetID)))  // [MQTT-4.3.3-2]
    }

    // MARK: Outbound acknowledgements

    /// After PUBACK, PUBREC or PUBCOMP: a completed delivery frees a window slot; an acknowledgement of
    /// the wrong kind closes the connection.
    private mutating func acknowledged(
        _ outcome: OutboundFlow.AcknowledgementOutcome, _ type: PacketType, sessionSlot slot: Int32,
        on id: ConnectionID, actions: inout [BrokerAction]
    ) {
        switch outcome {
        case .accepted: if type != .pubRec { releaseQueued(sessionSlot: slot, actions: &actions) }
        case .unknownPacketID: break
        case .wrongQoS: close(id, reason: .protocolViolation(.acknowledgementOfWrongQoS(type)), actions: &actions)
        }
    }
}

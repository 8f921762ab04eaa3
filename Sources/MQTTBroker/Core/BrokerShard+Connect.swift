// CONNECT handling (section 3.1.4): validate, authenticate, take over or resume the session, answer
// CONNACK, then resend what the resumed session still owes the client.

import Foundation
import MQTTCodec

extension BrokerShard {
    mutating func handleConnect(_ connect: Connect, on id: ConnectionID, actions: inout [BrokerAction]) {
        guard var record = record(id) else { return }
        guard record.session == nil else {
            close(id, reason: .protocolViolation(.secondConnect), actions: &actions)  // [MQTT-3.1.0-2]
            return
        }
        if let refusal = refusal(for: connect) {
            refuse(id, code: refusal, actions: &actions)
            return
        }
        let clientID = connect.clientID.isEmpty ? assignClientID() : connect.clientID  // [MQTT-3.1.3-6]

        var sessionPresent = false
        if let existing = sessionSlots[ClientIDKey(clientID)] {
            if let old = sessionConnections[Int(existing)] {
                actions.append(.log(.notice, "Client \(clientID) already connected, closing old connection."))
                close(old, reason: .takenOver, actions: &actions)  // [MQTT-3.1.4-2]
            }
        }
        let slot: Int32
        if let existing = sessionSlots[ClientIDKey(clientID)], !connect.cleanSession {
            slot = existing
            sessionPresent = true  // [MQTT-3.2.2-2]
            context.statistics.clientsDisconnected.increment(by: -1)
        } else {
            if let existing = sessionSlots[ClientIDKey(clientID)] {
                if !sessions[Int(existing)]!.cleanSession { context.statistics.clientsDisconnected.increment(by: -1) }
                discardSession(existing)  // [MQTT-3.1.2-6]
            }
            slot = createSession(clientID: clientID, cleanSession: connect.cleanSession)
        }
        sessions[Int(slot)]!.cleanSession = connect.cleanSession
        sessionConnections[Int(slot)] = id
        sessions[Int(slot)]!.will = connect.will?.detached
        sessions[Int(slot)]!.disconnectedAt = nil
        record.session = slot
        record.keepAlive = connect.keepAlive
        connections[Int(id.slot)] = record
        context.statistics.clientConnected()

        actions.append(.send(id, .connAck(ConnAck(sessionPresent: sessionPresent, returnCode: .accepted))))
        if limits.logsConnectionMessages {
            actions.append(.log(.notice, connectedLogLine(connect, clientID: clientID, peer: connectionPeers[Int(id.slot)])))
        }
        if sessionPresent { resendUnacknowledged(sessionSlot: slot, on: id, actions: &actions) }
    }

    /// Why CONNECT must be refused, if it must.
    private func refusal(for connect: Connect) -> ConnectReturnCode? {
        if connect.clientID.isEmpty {
            // [MQTT-3.1.3-8]; MQTT 3.1 required an id; Mosquitto's allow_zero_length_clientid.
            if !connect.cleanSession || connect.protocolVersion == .v3_1 || !limits.allowZeroLengthClientID {
                return .identifierRejected
            }
        }
        if connect.username == nil && !limits.allowAnonymous { return .notAuthorized }
        // max_keepalive is not enforced for MQTT 3.1.1 clients: Mosquitto 2.0 accepts any keep alive
        // from them, and 3.1.1 has no way to tell the client a shorter one.
        return nil
    }

    /// Answers CONNACK with a refusal and closes [MQTT-3.2.2-5].
    private mutating func refuse(_ id: ConnectionID, code: ConnectReturnCode, actions: inout [BrokerAction]) {
        actions.append(.send(id, .connAck(ConnAck(sessionPresent: false, returnCode: code))))  // [MQTT-3.2.2-4]
        connections[Int(id.slot)] = nil
        actions.append(.close(id, .refused(code)))
    }

    /// A broker-assigned id in Mosquitto's form (`auto-` and a UUID) that hashes to this shard, so
    /// every session stays on its home shard.
    private func assignClientID() -> String {
        while true {
            let candidate = limits.autoIDPrefix + UUID().uuidString
            if context.homeShard(of: candidate) == index && sessionSlots[ClientIDKey(candidate)] == nil { return candidate }
        }
    }

    private func connectedLogLine(_ connect: Connect, clientID: String, peer: String) -> String {
        let protocolNumber = connect.protocolVersion == .v3_1 ? 1 : 2
        var line = "New client connected from \(peer) as \(clientID) (p\(protocolNumber), c\(connect.cleanSession ? 1 : 0), k\(connect.keepAlive)"
        if let username = connect.username { line += ", u'\(username)'" }
        return line + ")."
    }

    /// On resumption: every unacknowledged PUBLISH again with DUP set, every PUBREL again, in the
    /// original order [MQTT-4.4.0-1]; then whatever was queued while offline.
    mutating func resendUnacknowledged(sessionSlot slot: Int32, on id: ConnectionID, actions: inout [BrokerAction]) {
        for entry in sessions[Int(slot)]!.outbound.unacknowledged {
            switch entry.stage {
            case .awaitingPubAck, .awaitingPubRec:
                let delivery = entry.delivery
                actions.append(.deliver(id, delivery.message, qos: delivery.qos, packetID: entry.packetID, retain: delivery.retain, dup: true))
            case .awaitingPubComp:
                actions.append(.acknowledge(id, PublishAcknowledgement(.pubRel, entry.packetID)))
            }
        }
        releaseQueued(sessionSlot: slot, actions: &actions)
    }
}

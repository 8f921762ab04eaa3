// The end of connections: closing for any reason (wills, clean sessions), keep alive and CONNECT
// timeouts, and shutdown.

import MQTTCodec
import Reactor

extension BrokerShard {
    /// The loop saw the connection end (end of file, I/O error) before the core closed it.
    public mutating func connectionLost(_ id: ConnectionID, reason: CloseReason, actions: inout [BrokerAction]) {
        guard record(id) != nil else { return }
        detach(id, reason: reason, actions: &actions)
    }

    /// Closes a connection the core decided to end, and tells the loop to close the socket.
    mutating func close(_ id: ConnectionID, reason: CloseReason, actions: inout [BrokerAction]) {
        guard record(id) != nil else { return }
        detach(id, reason: reason, actions: &actions)
        actions.append(.close(id, reason))
    }

    /// Forgets the connection, publishes the will if the reason calls for it [MQTT-3.1.2-8], and ends a
    /// clean session [MQTT-3.1.2-6].
    private mutating func detach(_ id: ConnectionID, reason: CloseReason, actions: inout [BrokerAction]) {
        let record = connections[Int(id.slot)]!
        connections[Int(id.slot)] = nil
        guard let slot = record.session else {
            if case .peerClosed = reason {} else {
                actions.append(.log(.notice, "Client <unknown> from \(connectionPeers[Int(id.slot)]) closed: \(reason)."))
            }
            return
        }
        context.statistics.clientsConnected.increment(by: -1)
        let session = sessions[Int(slot)]!
        if limits.logsConnectionMessages {
            actions.append(.log(.notice, disconnectLogLine(clientID: session.clientID, reason: reason)))
        }
        sessionConnections[Int(slot)] = nil
        sessions[Int(slot)]!.will = nil
        if reason.publishesWill, let will = session.will {
            let retain = will.retain && limits.retainAvailable
            route(Message.make(topic: will.topic, payload: will.payload, qos: will.qos, retain: retain), actions: &actions)
        }
        if session.cleanSession {
            discardSession(slot)
        } else {
            sessions[Int(slot)]!.disconnectedAt = latestTime
            context.statistics.clientsDisconnected.increment()
        }
    }

    private func disconnectLogLine(clientID: String, reason: CloseReason) -> String {
        switch reason {
        case .clientDisconnected: "Client \(clientID) disconnected."
        case .peerClosed: "Client \(clientID) closed its connection."
        case .keepAliveTimeout: "Client \(clientID) has exceeded timeout, disconnecting."
        case .ioError: "Socket error on client \(clientID), disconnecting."
        case .takenOver: "Client \(clientID) disconnected: session taken over."
        default: "Client \(clientID) disconnected: \(reason)."
        }
    }

    /// Closes connections silent for more than 1.5 times their keep alive [MQTT-3.1.2-24] and those
    /// that did not send CONNECT in time.
    public mutating func checkTimeouts(now: Instant, actions: inout [BrokerAction]) {
        latestTime = now
        if let expiration = limits.persistentSessionExpiration { expireSessions(after: .seconds(expiration), now: now, actions: &actions) }
        for slot in connections.indices {
            guard let record = connections[slot] else { continue }
            if record.session == nil {
                if now.since(record.openedAt) > .seconds(limits.connectTimeout) {
                    close(record.id, reason: .connectTimeout, actions: &actions)
                }
            } else if record.keepAlive > 0 {
                let allowed = Duration.milliseconds(Int64(record.keepAlive) * 1500)
                if now.since(record.lastReceived) > allowed {
                    close(record.id, reason: .keepAliveTimeout, actions: &actions)
                }
            }
        }
    }

    /// Removes persistent sessions whose client has been away longer than `persistent_client_expiration`.
    private mutating func expireSessions(after expiration: Duration, now: Instant, actions: inout [BrokerAction]) {
        for slot in sessions.indices {
            guard let session = sessions[slot], sessionConnections[slot] == nil, let since = session.disconnectedAt,
                now.since(since) > expiration
            else { continue }
            actions.append(.log(.notice, "Expiring client \(session.clientID) due to timeout."))
            context.statistics.clientsDisconnected.increment(by: -1)
            discardSession(Int32(slot))
        }
    }

    /// Closes every connection for shutdown. Wills are published, as for any connection that ends
    /// without DISCONNECT, and persistent sessions stay.
    public mutating func shutdown(actions: inout [BrokerAction]) {
        for slot in connections.indices {
            if let record = connections[slot] { close(record.id, reason: .serverShutdown, actions: &actions) }
        }
    }
}

extension BrokerShard {
    /// The loop moved the connection to the shard that owns its client id; forget it silently.
    public mutating func connectionHandedOff(_ id: ConnectionID) {
        guard record(id) != nil else { return }
        connections[Int(id.slot)] = nil
    }
}

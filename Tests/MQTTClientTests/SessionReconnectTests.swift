import MQTTClient
import MQTTCodec
import Reactor
import Testing

@Suite("ClientSession: reconnect, resend, resubscribe, restore") struct SessionReconnectTests {
    /// Loses the connection, waits out the backoff, reconnects; returns the CONNACK's actions.
    private func reconnect(_ harness: inout SessionHarness, sessionPresent: Bool) -> [ClientAction] {
        let lost = harness.loseConnection()
        guard case .connectionLost(.closedByBroker, let at)? = lost.last else {
            Issue.record("expected connectionLost, got \(lost)")
            return []
        }
        #expect(at >= harness.now + .milliseconds(50) && at <= harness.now + .milliseconds(100))
        harness.advance(by: at.since(harness.now))
        #expect(harness.tick() == [.openConnection])
        _ = harness.run { session, now, actions in session.transportConnected(now: now, actions: &actions) }
        return harness.receive(.connAck(ConnAck(sessionPresent: sessionPresent, returnCode: .accepted)))
    }

    @Test("Unacknowledged PUBLISH is resent with DUP and PUBREL again, in order, original ids [MQTT-4.4.0-1]")
    func resendAfterReconnect() {
        var harness = SessionHarness(options: SessionHarness.options(cleanSession: false))
        harness.connect()
        _ = harness.publish("q", "one", qos: .atLeastOnce)
        _ = harness.publish("q", "two", qos: .exactlyOnce)
        _ = harness.publish("q", "three", qos: .exactlyOnce)
        _ = harness.receive(.pubRec(PubRec(packetID: 3)))
        let resent = sentPackets(reconnect(&harness, sessionPresent: true))
        #expect(
            resent == [
                .publish(publishPacket("q", "one", qos: .atLeastOnce, id: 1, dup: true)),
                .publish(publishPacket("q", "two", qos: .exactlyOnce, id: 2, dup: true)),
                .pubRel(PubRel(packetID: 3)),
            ])
    }

    @Test("QoS 1/2 published while reconnecting wait and go out after CONNACK, without DUP")
    func publishWhileReconnecting() {
        var harness = SessionHarness()
        harness.connect()
        _ = harness.loseConnection()
        let request = harness.request()
        let queued = harness.publish("q", "later", qos: .atLeastOnce, request: request)
        #expect(sentPackets(queued).isEmpty)
        harness.advance(by: .seconds(1))
        _ = harness.tick()
        _ = harness.run { session, now, actions in session.transportConnected(now: now, actions: &actions) }
        let connAck = harness.receive(.connAck(ConnAck(sessionPresent: false, returnCode: .accepted)))
        #expect(sentPackets(connAck) == [.publish(publishPacket("q", "later", qos: .atLeastOnce, id: 1))])
    }

    @Test("Without a session on the broker the client subscribes again [MQTT-3.2.2-2]; with one it does not")
    func resubscribe() {
        var harness = SessionHarness(options: SessionHarness.options(cleanSession: false))
        harness.connect()
        let request = harness.request()
        let filter = try! TopicFilter("news/#")
        _ = harness.run { session, now, actions in
            session.subscribe(
                [Subscribe.Request(filter: filter, qos: .atLeastOnce)], request: request, now: now, actions: &actions)
        }
        #expect(
            harness.receive(.subAck(SubAck(packetID: 1, returnCodes: [.granted(.atLeastOnce)]))) == [
                .complete(request, .subscribed([.granted(.atLeastOnce)]))
            ])
        #expect(sentPackets(reconnect(&harness, sessionPresent: true)).isEmpty)
        let restored = sentPackets(reconnect(&harness, sessionPresent: false))
        #expect(
            restored == [
                .subscribe(Subscribe(packetID: 2, requests: [Subscribe.Request(filter: filter, qos: .atLeastOnce)]))
            ])
        let refused = harness.receive(.subAck(SubAck(packetID: 2, returnCodes: [.failure])))
        #expect(refused == [.resubscribeRefused([filter])])
    }

    @Test("A SUBSCRIBE made before connecting is the first packet after CONNACK")
    func subscribeBeforeConnect() {
        var harness = SessionHarness()
        let filter = try! TopicFilter("early")
        _ = harness.run { session, now, actions in
            session.subscribe(
                [Subscribe.Request(filter: filter, qos: .exactlyOnce)], request: nil, now: now, actions: &actions)
        }
        let actions = harness.connect()
        #expect(
            sentPackets(actions) == [
                .subscribe(Subscribe(packetID: 1, requests: [Subscribe.Request(filter: filter, qos: .exactlyOnce)]))
            ])
    }

    @Test("Inbound QoS 2 identifiers are forgotten when the broker lost the session")
    func inboundStateDroppedWithSession() {
        var harness = SessionHarness()
        harness.connect()
        let message = publishPacket("in", "m", qos: .exactlyOnce, id: 4)
        _ = harness.receive(.publish(message))
        _ = reconnect(&harness, sessionPresent: false)
        #expect(harness.receive(.publish(message)).first == .deliver(message))
    }

    @Test("Restored messages are resent after the first CONNACK: PUBLISH with DUP, PUBREL for released ones")
    func restoredFromStore() {
        let restored = [
            StoredPublish(publish: publishPacket("s", "b", qos: .exactlyOnce, id: 9), released: true, sequence: 8),
            StoredPublish(publish: publishPacket("s", "a", qos: .atLeastOnce, id: 5), released: false, sequence: 3),
        ]
        var harness = SessionHarness(options: SessionHarness.options(cleanSession: false), restored: restored)
        let sent = sentPackets(harness.connect(sessionPresent: true))
        #expect(
            sent == [
                .publish(publishPacket("s", "a", qos: .atLeastOnce, id: 5, dup: true)), .pubRel(PubRel(packetID: 9)),
            ])
        #expect(harness.receive(.pubAck(PubAck(packetID: 5))) == [.forget(5)])
    }

    @Test("Backoff grows, stays within its jitter bounds, and is capped")
    func backoffGrows() {
        var options = SessionHarness.options()
        options.reconnect = ReconnectPolicy(initialDelay: .milliseconds(100), maximumDelay: .seconds(1))
        var harness = SessionHarness(options: options)
        harness.connect()
        var actions = harness.loseConnection()
        for attempt in 0..<8 {
            guard case .connectionLost(_, let at)? = actions.last else {
                Issue.record("expected a scheduled reconnect, got \(actions)")
                return
            }
            let ceiling = min(Duration.milliseconds(100) * (1 << attempt), .seconds(1))
            let wait = at.since(harness.now)
            #expect(wait >= ceiling / 2 && wait <= ceiling)
            harness.advance(by: wait)
            #expect(harness.tick() == [.openConnection])
            actions = harness.run { session, now, actions in
                session.transportClosed(.closedByBroker, now: now, actions: &actions)
            }
        }
    }

    @Test("A refusal while reconnecting ends the session, except 'server unavailable'")
    func refusalWhileReconnecting() {
        var harness = SessionHarness()
        harness.connect()
        _ = harness.loseConnection()
        harness.advance(by: .seconds(1))
        _ = harness.tick()
        _ = harness.run { session, now, actions in session.transportConnected(now: now, actions: &actions) }
        let unavailable = harness.receive(.connAck(ConnAck(returnCode: .serverUnavailable)))
        #expect(unavailable.contains(where: { if case .connectionLost = $0 { true } else { false } }))
        harness.advance(by: .seconds(1))
        _ = harness.tick()
        _ = harness.run { session, now, actions in session.transportConnected(now: now, actions: &actions) }
        let refused = harness.receive(.connAck(ConnAck(returnCode: .badUsernameOrPassword)))
        #expect(refused == [.closeConnection, .ended(.connectionRefused(.badUsernameOrPassword))])
    }

    @Test("Without a reconnect policy a lost connection ends the session and fails pending work")
    func noReconnect() {
        var options = SessionHarness.options()
        options.reconnect = nil
        var harness = SessionHarness(options: options)
        harness.connect()
        let request = harness.request()
        _ = harness.publish("x", "y", qos: .atLeastOnce, request: request)
        #expect(harness.loseConnection() == [.fail(request, .closedByBroker), .ended(.closedByBroker)])
    }
}

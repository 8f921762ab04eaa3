import MQTTClient
import MQTTCodec
import Reactor
import Testing

@Suite("ClientSession: connecting, refusals, timeouts") struct SessionConnectTests {
    @Test("CONNECT is the first packet after the transport is up [MQTT-3.1.0-1]; CONNACK completes connect")
    func connectHandshake() {
        var harness = SessionHarness()
        let request = harness.request()
        let opened = harness.run { session, now, actions in
            session.connect(request: request, now: now, actions: &actions)
        }
        #expect(opened == [.openConnection])
        let connect = harness.run { session, now, actions in session.transportConnected(now: now, actions: &actions) }
        #expect(connect == [.send(.connect(Connect(clientID: "tester", cleanSession: true, keepAlive: 60)))])
        let connAck = harness.receive(.connAck(ConnAck(sessionPresent: false, returnCode: .accepted)))
        #expect(connAck == [.complete(request, .connected(sessionPresent: false))])
        #expect(harness.session.isConnected)
    }

    @Test("A refused CONNACK fails connect with its code and ends the session [MQTT-3.2.2-5]")
    func refused() {
        var harness = SessionHarness()
        let request = harness.request()
        _ = harness.run { session, now, actions in session.connect(request: request, now: now, actions: &actions) }
        _ = harness.run { session, now, actions in session.transportConnected(now: now, actions: &actions) }
        let actions = harness.receive(.connAck(ConnAck(sessionPresent: false, returnCode: .notAuthorized)))
        #expect(
            actions == [
                .closeConnection, .fail(request, .connectionRefused(.notAuthorized)),
                .ended(.connectionRefused(.notAuthorized)),
            ])
        #expect(harness.session.nextDeadline == nil)
    }

    @Test("No CONNACK within the connect timeout: close and fail")
    func connectTimeout() {
        var options = SessionHarness.options()
        options.connectTimeout = .seconds(3)
        var harness = SessionHarness(options: options)
        let request = harness.request()
        _ = harness.run { session, now, actions in session.connect(request: request, now: now, actions: &actions) }
        _ = harness.run { session, now, actions in session.transportConnected(now: now, actions: &actions) }
        #expect(harness.session.nextDeadline == harness.now + .seconds(3))
        harness.advance(by: .milliseconds(2999))
        #expect(harness.tick().isEmpty)
        harness.advance(by: .milliseconds(1))
        #expect(harness.tick() == [.closeConnection, .fail(request, .connectTimedOut), .ended(.connectTimedOut)])
    }

    @Test("A second connect while connected is refused locally")
    func alreadyConnected() {
        var harness = SessionHarness()
        harness.connect()
        let request = harness.request()
        let actions = harness.run { session, now, actions in
            session.connect(request: request, now: now, actions: &actions)
        }
        #expect(actions == [.fail(request, .alreadyConnected)])
    }

    @Test("Anything but CONNACK before CONNACK is a protocol violation [MQTT-3.2.0-1]")
    func packetBeforeConnAck() {
        var harness = SessionHarness()
        let request = harness.request()
        _ = harness.run { session, now, actions in session.connect(request: request, now: now, actions: &actions) }
        _ = harness.run { session, now, actions in session.transportConnected(now: now, actions: &actions) }
        let actions = harness.receive(.pingResp)
        #expect(actions.first == .closeConnection)
        #expect(actions.contains(.fail(request, .unexpectedPacket(.pingResp))))
    }

    @Test("Server-only rules: a second CONNACK or a PINGREQ from the broker closes the connection")
    func serverSendsClientPacket() {
        var harness = SessionHarness()
        harness.connect()
        let actions = harness.receive(.pingReq)
        #expect(actions.first == .closeConnection)
        #expect(
            actions.contains(where: {
                if case .connectionLost(.unexpectedPacket(.pingReq), _) = $0 { true } else { false }
            }))
    }

    @Test("disconnect sends DISCONNECT [MQTT-3.14.4-1], closes, fails pending work, ends normally")
    func disconnect() {
        var harness = SessionHarness()
        harness.connect()
        let publishRequest = harness.request()
        _ = harness.publish("a", "x", qos: .atLeastOnce, request: publishRequest)
        let request = harness.request()
        let actions = harness.run { session, now, actions in
            session.disconnect(request: request, now: now, actions: &actions)
        }
        #expect(
            actions == [
                .send(.disconnect), .closeConnection, .fail(publishRequest, .disconnected), .ended(nil),
                .complete(request, .disconnected),
            ])
        #expect(!harness.session.isConnected)
    }
}

@Suite("ClientSession: disconnect while connecting") struct SessionDisconnectWhileConnectingTests {
    @Test("disconnect before CONNACK fails the pending connect")
    func disconnectWhileConnecting() {
        var harness = SessionHarness()
        let request = harness.request()
        _ = harness.run { session, now, actions in session.connect(request: request, now: now, actions: &actions) }
        let disconnect = harness.request()
        let actions = harness.run { session, now, actions in
            session.disconnect(request: disconnect, now: now, actions: &actions)
        }
        #expect(
            actions == [
                .closeConnection, .fail(request, .disconnected), .ended(nil), .complete(disconnect, .disconnected),
            ])
    }
}

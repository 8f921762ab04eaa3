import MQTTClient
import MQTTCodec
import Reactor
import Testing

@Suite("ClientSession: keep alive") struct SessionKeepAliveTests {
    @Test("PINGREQ after the keep alive with nothing sent [MQTT-3.1.2-23]; none while traffic flows")
    func pingWhenIdle() {
        var harness = SessionHarness(options: SessionHarness.options(keepAlive: 10))
        harness.connect()
        #expect(harness.session.nextDeadline == harness.now + .seconds(10))
        harness.advance(by: .seconds(9))
        #expect(harness.tick().isEmpty)
        harness.advance(by: .seconds(1))
        #expect(harness.tick() == [.send(.pingReq)])
        harness.advance(by: .seconds(1))
        #expect(harness.receive(.pingResp).isEmpty)
        #expect(harness.session.nextDeadline == harness.now + .seconds(9))
    }

    @Test("No answer within 1.5 times the keep alive closes the connection [MQTT-3.1.2-24]")
    func timeout() {
        var harness = SessionHarness(options: SessionHarness.options(keepAlive: 10))
        harness.connect()
        harness.advance(by: .seconds(10))
        #expect(harness.tick() == [.send(.pingReq)])
        harness.advance(by: .milliseconds(4999))
        #expect(harness.tick().isEmpty)
        harness.advance(by: .milliseconds(1))
        let actions = harness.tick()
        #expect(actions.first == .closeConnection)
        #expect(
            actions.contains(where: { if case .connectionLost(.keepAliveTimedOut, _) = $0 { true } else { false } }))
    }

    @Test("While reading is paused for a slow consumer, silence does not time out")
    func pausedReading() {
        var harness = SessionHarness(options: SessionHarness.options(keepAlive: 10))
        harness.connect()
        harness.session.readingPaused(now: harness.now)
        harness.advance(by: .seconds(10))
        #expect(harness.tick() == [.send(.pingReq)])
        harness.advance(by: .seconds(60))
        #expect(harness.tick().isEmpty)
        harness.session.readingResumed(now: harness.now)
        #expect(harness.session.nextDeadline == harness.now + .seconds(15))
    }

    @Test("Keep alive 0 turns pings off")
    func disabled() {
        var harness = SessionHarness(options: SessionHarness.options(keepAlive: 0))
        harness.connect()
        #expect(harness.session.nextDeadline == nil)
    }

    @Test(
        "ReconnectPolicy: equal jitter between half and all of the capped exponential ceiling",
        arguments: [(0, 0.0, 50), (0, 1.0, 100), (1, 0.5, 150), (3, 0.0, 400), (10, 1.0, 1000), (40, 0.0, 500)])
    func policy(attempt: Int, unit: Double, milliseconds: Int64) {
        let policy = ReconnectPolicy(initialDelay: .milliseconds(100), maximumDelay: .seconds(1))
        #expect(policy.delay(attempt: attempt, unit: unit) == .milliseconds(milliseconds))
    }
}

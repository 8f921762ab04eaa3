// An agent started before its broker keeps trying to connect; a stop request (what SIGTERM does)
// must end it promptly, whatever the backoff had grown to.

import MQTTClient
import OrderPipeline
import Reactor
import ShopAgents
import Testing

@Suite struct AgentStopTests {
    @Test func anAgentWaitingForItsBrokerStopsPromptly() async throws {
        // A port that was free a moment ago: nobody listens there.
        let listener = try TCPListener.bind(host: "127.0.0.1", port: 0)
        let port = listener.localAddress.port
        listener.close()
        var options = ClientOptions(host: "127.0.0.1", port: port, clientID: "waiting", cleanSession: false)
        // A backoff far longer than the test may take.
        options.reconnect = ReconnectPolicy(initialDelay: .seconds(30), maximumDelay: .seconds(30))
        let agent = try AgentRunner(rule: PackagingRule(), clientOptions: options, qos: .atLeastOnce, output: .silent)
        let running = Task { try await agent.run() }
        try await Task.sleep(for: .milliseconds(200))  // into the first backoff
        let stopping = ContinuousClock.now
        await agent.stop()
        try await running.value
        #expect(ContinuousClock.now - stopping < .seconds(5), "run() must return well before the 30 s backoff ends")
    }
}

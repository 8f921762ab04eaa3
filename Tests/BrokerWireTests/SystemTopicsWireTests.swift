import MQTTBroker
import MQTTCodec
import MQTTTestSupport
import Testing

@Suite("Wire: $SYS") struct SystemTopicsWireTests {
    @Test("$SYS/broker statistics are published retained every sys_interval")
    func systemTopics() async throws {
        let (version, connected, next) = try await offCooperativePool { () throws -> (Publish, Publish, Publish) in
            let broker = try TestBroker { $0.sysInterval = 1 }
            defer { broker.stop() }
            let client = try broker.client()
            try client.connect(clientID: "sys-reader")
            try client.subscribe("$SYS/broker/version", packetID: 1)
            let version = try client.expectPublish()
            try client.subscribe("$SYS/broker/clients/connected", packetID: 2)
            // The retained value may predate this client; the next interval must count it.
            var connected = try client.expectPublish()
            if connected.payloadString == "0" { connected = try client.expectPublish(timeoutMilliseconds: 3000) }
            try client.subscribe("$SYS/broker/uptime", packetID: 3)
            _ = try client.expectPublish()
            let next = try client.expectPublish(timeoutMilliseconds: 3000)  // the next interval's value
            return (version, connected, next)
        }
        #expect(version.retain)
        #expect(version.payloadString.hasPrefix("starling version"))
        #expect(connected.payloadString == "1")
        #expect(next.topic.string == "$SYS/broker/uptime" && next.retain == false)
        #expect(next.payloadString.hasSuffix(" seconds"))
    }
}

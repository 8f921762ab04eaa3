import Foundation
import MQTTClient
import MQTTCodec
import Reactor
import Testing

@Suite("Outbound store") struct OutboundStoreTests {
    private func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("starling-store-\(UUID().uuidString)").path
    }

    @Test("Messages round-trip through the file store, replaced and removed by packet id")
    func fileRoundTrip() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try FileOutboundStore(path: path)
        let first = StoredPublish(
            publish: publishPacket("s/1", "one", qos: .atLeastOnce, id: 1, retain: true), released: false, sequence: 7)
        let second = StoredPublish(
            publish: publishPacket("s/2", "two", qos: .exactlyOnce, id: 2), released: false, sequence: 1 << 40)
        try store.save(first)
        try store.save(second)
        var released = second
        released.released = true
        try store.save(released)
        let reopened = try FileOutboundStore(path: path)
        #expect(Set(try reopened.load()) == [first, released])
        try reopened.remove(1)
        try reopened.remove(1)
        #expect(try reopened.load() == [released])
    }

    @Test("A corrupt entry is reported, not ignored")
    func corrupt() throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try FileOutboundStore(path: path)
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: path + "/3.pub"))
        #expect(throws: ClientError.storeCorrupt(entry: "3.pub")) { try FileOutboundStore(path: path).load() }
    }

    @Test(
        "An unacknowledged QoS 1 message survives the client process and is delivered by the next one",
        arguments: BrokerKind.available)
    func survivesRestart(kind: BrokerKind) async throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let broker = try LiveBroker(kind)
        let subscriber = try Client(broker.options("store-sub"))
        try await subscriber.connect()
        let stream = try await subscriber.subscribe(["stored/#"], qos: .atLeastOnce)

        do {
            // The first "process" publishes while its broker is unreachable, then goes away.
            var options = ClientOptions(
                host: "127.0.0.1", port: broker.port, clientID: "store-pub", cleanSession: false)
            options.store = try FileOutboundStore(path: path)
            let loop = try ClientEventLoop(name: "first-process")
            let doomed = try Client(options, loop: loop)
            let attempt = Task { try await doomed.publish("stored/x", "survivor", qos: .atLeastOnce) }
            try await Task.sleep(for: .milliseconds(100))
            loop.shutdown()
            await #expect(throws: ClientError.self) { try await attempt.value }
        }
        var options = broker.options("store-pub", cleanSession: false)
        let store = try FileOutboundStore(path: path)
        options.store = store
        #expect(try store.load().count == 1)
        let revived = try Client(options)
        try await revived.connect()
        #expect(try await collect(stream, count: 1).map(\.payloadString) == ["survivor"])
        try await within(5, "the store to empty") {
            while try store.load().count > 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
    }
}

// One run of starling-sub once its flags are valid: subscribe, connect, print, and decide when to stop.

import MQTTClient
import MQTTCodec
import Reactor
import Synchronization

struct SubSession: Sendable {
    let configuration: SubConfiguration
    let client: Client
    let terminal: Terminal

    /// Mosquitto's exit status when `-W` expires.
    static let timedOutStatus: Int32 = 27

    func run() async -> Int32 {
        let qos = configuration.connection.qos
        let requests = configuration.topics.map { Subscribe.Request(filter: $0, qos: qos) }
        // Registered before CONNECT unless -E needs the SUBACK: queued messages of a resumed session
        // arrive right after CONNACK.
        let early = requests.isEmpty || configuration.exitAfterSubscribe ? nil : client.subscription(requests)
        // Releasing a stream unsubscribes: streams are kept until after DISCONNECT, so a persistent
        // session (-c) keeps its subscriptions.
        let streams = StreamHolder()
        streams.keep(early)
        let signals = ProcessSignals.first()
        let status = await withTaskGroup(of: Int32.self) { group in
            group.addTask { await consume(early: early, requests: requests, streams: streams) }
            if configuration.timeoutSeconds > 0 {
                let seconds = configuration.timeoutSeconds
                group.addTask {
                    do { try await Task.sleep(for: .seconds(seconds)) } catch { return 0 }
                    terminal.error("Timed out\n")
                    return Self.timedOutStatus
                }
            }
            group.addTask {
                for await _ in signals { return 0 }
                while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
                return 0
            }
            let status = await group.next() ?? 0
            group.cancelAll()
            return status
        }
        await client.disconnect()
        withExtendedLifetime(streams) {}
        return status
    }

    private func consume(early: MessageStream?, requests: [Subscribe.Request], streams: StreamHolder) async -> Int32 {
        do {
            try await client.connect()
        } catch {
            return ConnectFailure.report(error, tool: .sub, terminal: terminal)
        }
        do {
            var stream = early
            if stream == nil && !requests.isEmpty {
                stream = try await client.subscribe(requests)
                streams.keep(stream)
            }
            for filter in configuration.unsubscribeTopics { try await client.unsubscribe([filter.string]) }
            guard !configuration.exitAfterSubscribe, let stream else { return 0 }
            return try await printMessages(stream)
        } catch {
            if Task.isCancelled { return 0 }
            return ConnectFailure.report(error, tool: .sub, terminal: terminal)
        }
    }

    /// mosquitto_sub's message callback: --retained-only, -R, -T, --remove-retained, print, -C.
    private func printMessages(_ stream: MessageStream) async throws(ClientError) -> Int32 {
        var printed = 0
        var output: [UInt8] = []
        for try await message in stream {
            if configuration.retainedOnly && !message.retain { return 0 }
            if message.retain && configuration.noRetained { continue }
            if configuration.filterOuts.contains(where: { $0.matches(message.topic) }) { continue }
            if configuration.removeRetained && message.retain {
                try await client.publish(to: message.topic, payload: ByteBuffer(), qos: .atLeastOnce, retain: true)
            }
            output.removeAll(keepingCapacity: true)
            render(message, into: &output)
            terminal.write(output)
            printed += 1
            if configuration.messageCount > 0 && printed == configuration.messageCount { return 0 }
        }
        return 0
    }

    /// `-F`, `-v` or the payload alone, each followed by a newline unless `-N`.
    func render(_ message: ReceivedMessage, into output: inout [UInt8]) {
        let payload = message.payload.readableBytesArray
        if let format = configuration.format {
            var errors: [String] = []
            format.render(message, time: .now(), into: &output, errors: &errors)
            for error in errors { terminal.error(error) }
            if configuration.endOfLine { output.append(10) }
        } else if configuration.verbose {
            if payload.isEmpty {
                if configuration.endOfLine {
                    output += message.topic.bytes.readableBytesArray + Array(" (null)\n".utf8)
                }
            } else {
                output += message.topic.bytes.readableBytesArray + [UInt8(ascii: " ")] + payload
                if configuration.endOfLine { output.append(10) }
            }
        } else if !payload.isEmpty {
            output += payload
            if configuration.endOfLine { output.append(10) }
        }
    }
}

/// Keeps streams alive (see `SubSession.run`).
final class StreamHolder: Sendable {
    private let streams = Mutex<[MessageStream]>([])

    func keep(_ stream: MessageStream?) {
        guard let stream else { return }
        streams.withLock { $0.append(stream) }
    }
}

// starling-pub: mosquitto_pub's flags, messages and exit codes. Publishes one message (-m, -f, -s,
// -n) or one per line of standard input (-l), waits for each QoS handshake, then disconnects.

import Foundation
import MQTTClient
import MQTTCodec

/// Where the payload comes from.
enum PayloadSource: Sendable, Equatable {
    case message(String)
    case file(String)
    case standardInput
    case lines
    case empty
}

/// Everything `starling-pub` was asked to do.
struct PubConfiguration: Sendable {
    var connection = ConnectionFlags()
    var topic: TopicName?
    var source: PayloadSource?
    var retain = false

    static func parse(_ arguments: [String]) throws(CommandLineError) -> PubConfiguration {
        var configuration = PubConfiguration()
        var cursor = ArgumentCursor(arguments)
        while let flag = cursor.next() {
            if try configuration.connection.parse(flag, &cursor) { continue }
            switch flag {
            case "-t", "--topic":
                let topic = try cursor.value(for: "-t", naming: "topic")
                do { configuration.topic = try TopicName(topic) } catch {
                    throw .usage("Error: Invalid publish topic '\(topic)', does it contain '+' or '#'?\n")
                }
            case "-m", "--message":
                try configuration.setSource(.message(try cursor.value(for: "-m", naming: "message")))
            case "-f", "--file": try configuration.setSource(.file(try cursor.value(for: "-f", naming: "file")))
            case "-s", "--stdin-file": try configuration.setSource(.standardInput)
            case "-l", "--stdin-line": try configuration.setSource(.lines)
            case "-n", "--null-message": try configuration.setSource(.empty)
            case "-r", "--retain": configuration.retain = true
            case "--help": throw .help
            default: throw .usage("Error: Unknown option '\(flag)'.\n")
            }
        }
        try configuration.connection.validate()
        return configuration
    }

    private mutating func setSource(_ source: PayloadSource) throws(CommandLineError) {
        guard self.source == nil else { throw .usage("Error: Only one type of message can be sent at once.\n\n") }
        self.source = source
    }
}

/// The `starling-pub` executable.
public enum PubCommand {
    /// The process entry point: blocks SIGINT/SIGTERM on the main thread before any other thread
    /// starts, runs, and exits with the tool's status.
    public static func main(arguments: [String]) -> Never {
        ProcessSignals.block()
        exit(runBlocking { await run(arguments: arguments) })
    }

    /// Runs with the arguments after the program name; returns the exit status.
    public static func run(arguments: [String]) async -> Int32 {
        let configuration: PubConfiguration
        do { configuration = try PubConfiguration.parse(arguments) } catch {
            return CommandLineFailure.report(error, tool: .pub)
        }
        guard let topic = configuration.topic, let source = configuration.source else {
            Terminal.standardError("Error: Both topic and message must be supplied.\n")
            Terminal.standardOutput(Usage.pub)
            return 1
        }
        let terminal = Terminal(quiet: configuration.connection.quiet)
        var payload = ByteBuffer()
        switch source {
        case .message(let text): payload = ByteBuffer(string: text)
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                terminal.error("Error: Unable to open file \"\(path)\".\nError loading input file \"\(path)\".\n")
                return 1
            }
            payload = ByteBuffer(bytes: data)
        case .standardInput: payload = ByteBuffer(bytes: FileHandle.standardInput.readDataToEndOfFile())
        case .lines, .empty: break
        }
        let client: Client
        do { client = try makeClient(configuration, terminal: terminal) } catch {
            return CommandLineFailure.report(error, tool: .pub)
        }
        do {
            try await client.connect()
        } catch {
            return ConnectFailure.report(error, tool: .pub, terminal: terminal)
        }
        let qos = configuration.connection.qos
        do {
            if source == .lines {
                // Lines already read go out together, in order; up to four batches stay outstanding so
                // the in-flight window never drains while input is waiting.
                var lines = LineReader()
                var outstanding: [PublishReceipt] = []
                while let batch = lines.nextBatch(maximum: 256) {
                    outstanding.append(
                        client.enqueue(
                            batch.map {
                                OutgoingMessage(
                                    topic: topic, payload: ByteBuffer(bytes: $0), qos: qos, retain: configuration.retain
                                )
                            }))
                    if outstanding.count > 4 { try await outstanding.removeFirst().completion() }
                }
                for receipt in outstanding { try await receipt.completion() }
            } else {
                try await client.publish(to: topic, payload: payload, qos: qos, retain: configuration.retain)
            }
        } catch {
            terminal.error("Error: \(error)\n")
            await client.disconnect()
            return 1
        }
        await client.disconnect()
        return 0
    }

    static func makeClient(_ configuration: PubConfiguration, terminal: Terminal) throws(CommandLineError) -> Client {
        let options = try configuration.connection.clientOptions(tracingTo: terminal)
        do { return try Client(options) } catch { throw .invalid("Error: \(error)\n") }
    }
}

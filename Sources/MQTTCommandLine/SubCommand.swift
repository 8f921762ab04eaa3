// starling-sub: mosquitto_sub's flags, output and exit codes. Subscribes to every -t filter in one
// SUBSCRIBE (registered before CONNECT, so messages of a resumed session are printed too), prints
// each message, and exits after -C messages, -W seconds (status 27), --retained-only's first fresh
// message, -E's SUBACK, or SIGINT/SIGTERM.

import Foundation
import MQTTClient
import MQTTCodec

/// Everything `starling-sub` was asked to do.
struct SubConfiguration: Sendable {
    var connection = ConnectionFlags()
    var topics: [TopicFilter] = []
    var filterOuts: [TopicFilter] = []
    var unsubscribeTopics: [TopicFilter] = []
    var verbose = false
    var endOfLine = true
    var messageCount = 0
    var timeoutSeconds = 0
    var exitAfterSubscribe = false
    var noRetained = false
    var retainedOnly = false
    var removeRetained = false
    var format: OutputFormat?

    static func parse(_ arguments: [String]) throws(CommandLineError) -> SubConfiguration {
        var configuration = SubConfiguration()
        var cursor = ArgumentCursor(arguments)
        while let flag = cursor.next() {
            if try configuration.connection.parse(flag, &cursor) { continue }
            switch flag {
            case "-t", "--topic":
                let topic = try cursor.value(for: "-t", naming: "topic")
                configuration.topics.append(
                    try filter(
                        topic, "Error: Invalid subscription topic '\(topic)', are all '+' and '#' wildcards correct?\n")
                )
            case "-T", "--filter-out":
                let topic = try cursor.value(for: "-T", naming: "topic filter")
                configuration.filterOuts.append(
                    try filter(
                        topic, "Error: Invalid filter topic '\(topic)', are all '+' and '#' wildcards correct?\n"))
            case "-U", "--unsubscribe":
                let topic = try cursor.value(for: "-U", naming: "unsubscribe topic")
                configuration.unsubscribeTopics.append(
                    try filter(
                        topic, "Error: Invalid unsubscribe topic '\(topic)', are all '+' and '#' wildcards correct?\n"))
            case "-v", "--verbose": configuration.verbose = true
            case "-N": configuration.endOfLine = false
            case "-C":
                let count = try cursor.integer(for: "-C", naming: "count")
                guard count >= 1 else { throw .usage("Error: Invalid message count \"\(count)\".\n\n") }
                configuration.messageCount = count
            case "-W":
                let seconds = try cursor.integer(for: "-W", naming: "timeout")
                guard seconds >= 1 else { throw .usage("Error: Invalid timeout \"\(seconds)\".\n\n") }
                configuration.timeoutSeconds = seconds
            case "-E": configuration.exitAfterSubscribe = true
            case "-R": configuration.noRetained = true
            case "--retained-only": configuration.retainedOnly = true
            case "--remove-retained": configuration.removeRetained = true
            case "-F":
                configuration.format = try OutputFormat(validating: try cursor.value(for: "-F", naming: "format"))
            case "--help": throw .help
            default: throw .usage("Error: Unknown option '\(flag)'.\n")
            }
        }
        try configuration.connection.validate()
        if configuration.topics.isEmpty && configuration.unsubscribeTopics.isEmpty {
            throw .usage("Error: You must specify a topic to subscribe to.\n")
        }
        if configuration.noRetained && configuration.retainedOnly {
            throw .invalid("\nError: Combining '-R' and '--retained-only' makes no sense.\n")
        }
        return configuration
    }

    private static func filter(_ text: String, _ message: String) throws(CommandLineError) -> TopicFilter {
        do { return try TopicFilter(text) } catch { throw .usage(message) }
    }
}

/// The `starling-sub` executable.
public enum SubCommand {
    /// The process entry point: blocks SIGINT/SIGTERM on the main thread before any other thread
    /// starts, runs, and exits with the tool's status.
    public static func main(arguments: [String]) -> Never {
        ProcessSignals.block()
        exit(runBlocking { await run(arguments: arguments) })
    }

    /// Runs with the arguments after the program name; returns the exit status.
    public static func run(arguments: [String]) async -> Int32 {
        let configuration: SubConfiguration
        do { configuration = try SubConfiguration.parse(arguments) } catch {
            return CommandLineFailure.report(error, tool: .sub)
        }
        let terminal = Terminal(quiet: configuration.connection.quiet)
        let options: ClientOptions
        do { options = try configuration.connection.clientOptions(tracingTo: terminal) } catch {
            return CommandLineFailure.report(error, tool: .sub)
        }
        let client: Client
        do { client = try Client(options) } catch {
            return ConnectFailure.report(error, tool: .sub, terminal: terminal)
        }
        let session = SubSession(configuration: configuration, client: client, terminal: terminal)
        return await session.run()
    }
}

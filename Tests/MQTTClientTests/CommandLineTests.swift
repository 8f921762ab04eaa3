import MQTTClient
import MQTTCodec
import Reactor
import Testing

@testable import MQTTCommandLine

@Suite("starling-sub -F output and flags") struct CommandLineTests {
    private func message(
        _ topic: String, _ payload: [UInt8], qos: QoS = .atLeastOnce, id: PacketID? = 7, retain: Bool = false
    ) -> ReceivedMessage {
        ReceivedMessage(
            Publish(
                topic: try! TopicName(topic), payload: ByteBuffer(bytes: payload), qos: qos,
                packetID: qos == .atMostOnce ? nil : id, retain: retain))
    }

    private func render(_ format: String, _ message: ReceivedMessage) throws -> String {
        var output: [UInt8] = []
        var errors: [String] = []
        try OutputFormat(validating: format).render(
            message, time: WallClockTime(seconds: 1_000_000_000, nanoseconds: 42), into: &output, errors: &errors)
        return String(decoding: output, as: UTF8.self)
    }

    @Test(
        "Fields, widths and Mosquitto's payload quirks",
        arguments: [
            ("%t %p %q %r %l %m", "a/b hello 1 0 5 7"),
            ("%x|%X", "68656c6c6f|68656C6C6F"),
            ("%8t|%-8t|%.1t|%4.2t", "     a/b|a/b     |a|  a/"),
            ("%05l|%-5l|%5m", "00005|5    |    7"),
            ("%3p|%8p|%-8p|%08p", "hel|   hello|hello   |000hello"),
            ("%4x|%12x", "6865|        6865"),
            ("%%|@@|\\t|\\\\", "%|@|\t|\\"),
            ("%U @N", "1000000000.000000042 000000042"),
            ("%A%C%D%E%F%P%R%S|%3S|%03E", "|   |000"),
        ])
    func fields(format: String, expected: String) throws {
        #expect(try render(format, message("a/b", Array("hello".utf8))) == expected)
    }

    @Test("%j escapes as cJSON, stops at NUL, prints an empty payload as null, mid only above QoS 0")
    func json() throws {
        let tricky = message("t/\"q\"", Array("a\"b\\c".utf8) + [1, 9, 0, 65], qos: .exactlyOnce, id: 3, retain: true)
        let rendered = try render("%j", tricky)
        #expect(rendered.hasPrefix("{\"tst\":\""))
        #expect(
            rendered.hasSuffix(
                ",\"topic\":\"t/\\\"q\\\"\",\"qos\":2,\"retain\":1,\"payloadlen\":9,\"mid\":3,\"payload\":\"a\\\"b\\\\c\\u0001\\t\"}"
            ))
        let empty = try render("%j", message("e", [], qos: .atMostOnce))
        #expect(empty.hasSuffix(",\"topic\":\"e\",\"qos\":0,\"retain\":0,\"payloadlen\":0,\"payload\":null}"))
    }

    @Test(
        "Invalid formats are refused with Mosquitto's messages",
        arguments: [
            ("abc%", "Error: Incomplete format specifier.\n"),
            ("%0-5l", "Error: Invalid format specifier '-'.\n"),
            ("%Z", "Error: Invalid format specifier 'Z'.\n"),
            ("x\\q", "Error: Invalid escape specifier 'q'.\n"),
            ("x\\", "Error: Incomplete escape specifier.\n"),
            ("@", "Error: Incomplete format specifier.\n"),
        ])
    func invalidFormats(format: String, message: String) {
        #expect(throws: CommandLineError.usage(message)) { try OutputFormat(validating: format) }
    }

    @Test("starling-sub flags parse into a configuration")
    func subFlags() throws {
        let configuration = try SubConfiguration.parse([
            "-h", "broker", "-p", "1884", "-t", "a/#", "-t", "b", "-T", "a/x", "-q", "2", "-C", "3", "-W", "9", "-v",
            "-N",
            "-c", "-i", "me", "-k", "30", "--will-topic", "w", "--will-payload", "bye", "--will-qos", "1",
            "--will-retain",
        ])
        #expect(configuration.topics.map(\.string) == ["a/#", "b"])
        #expect(configuration.filterOuts.map(\.string) == ["a/x"])
        #expect(configuration.messageCount == 3 && configuration.timeoutSeconds == 9)
        #expect(configuration.verbose && !configuration.endOfLine)
        let options = try configuration.connection.clientOptions()
        #expect(options.host == "broker" && options.port == 1884 && options.clientID == "me" && !options.cleanSession)
        #expect(options.keepAlive == 30)
        #expect(
            options.will
                == Will(topic: try TopicName("w"), payload: ByteBuffer(string: "bye"), qos: .atLeastOnce, retain: true))
    }

    @Test(
        "Invalid command lines are refused as Mosquitto refuses them",
        arguments: [
            (["-t", "a", "-q", "3"], CommandLineError.usage("Error: Invalid QoS given: 3\n")),
            (["-t"], .usage("Error: -t argument given but no topic specified.\n\n")),
            (["-t", "a", "-c"], .usage("Error: You must provide a client id if you are using the -c option.\n")),
            (
                ["-t", "a/#/b"],
                .usage("Error: Invalid subscription topic 'a/#/b', are all '+' and '#' wildcards correct?\n")
            ),
            (["-p", "1883"], .usage("Error: You must specify a topic to subscribe to.\n")),
            (
                ["-t", "a", "-R", "--retained-only"],
                .invalid("\nError: Combining '-R' and '--retained-only' makes no sense.\n")
            ),
            (["-t", "a", "-i", "x", "-I", "y"], .usage("Error: -i and -I argument cannot be used together.\n\n")),
            (["-t", "a", "-m", "x"], .usage("Error: Unknown option '-m'.\n")),
            (["-t", "a", "--help"], .help),
        ])
    func invalidSubFlags(arguments: [String], error: CommandLineError) {
        #expect(throws: error) { try SubConfiguration.parse(arguments) }
    }

    @Test("starling-pub: one payload source at most, topics without wildcards")
    func pubFlags() throws {
        #expect(throws: CommandLineError.usage("Error: Only one type of message can be sent at once.\n\n")) {
            try PubConfiguration.parse(["-t", "a", "-m", "x", "-n"])
        }
        #expect(throws: CommandLineError.usage("Error: Invalid publish topic 'a/+', does it contain '+' or '#'?\n")) {
            try PubConfiguration.parse(["-t", "a/+", "-m", "x"])
        }
        let configuration = try PubConfiguration.parse(["-t", "a", "-l", "-r", "-q", "1"])
        #expect(configuration.source == .lines && configuration.retain && configuration.connection.qos == .atLeastOnce)
    }

    @Test("-d lines are worded as libmosquitto's")
    func debugLines() {
        let log = DebugLog(clientID: "")
        let publish = Publish(
            topic: try! TopicName("a"), payload: ByteBuffer(string: "xyz"), qos: .atLeastOnce, packetID: 4)
        #expect(
            log.lines(for: .sent(.publish(publish))) == [
                "Client (null) sending PUBLISH (d0, q1, r0, m4, 'a', ... (3 bytes))"
            ])
        #expect(
            log.lines(for: .received(.subAck(SubAck(packetID: 1, returnCodes: [.granted(.exactlyOnce), .failure]))))
                == [
                    "Client (null) received SUBACK", "Subscribed (mid: 1): 2, 128",
                ])
        #expect(
            DebugLog(clientID: "me").lines(for: .received(.pubAck(PubAck(packetID: 4)))) == [
                "Client me received PUBACK (Mid: 4, RC:0)"
            ])
    }
}

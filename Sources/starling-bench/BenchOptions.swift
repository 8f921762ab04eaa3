// Command-line options of `starling-bench`. Parsing is a cold path; everything the hot loop needs
// is resolved once into a `BenchPlan`.

import MQTTCodec

/// The load shapes the generator knows.
enum Scenario: String, CaseIterable {
    /// P publishers → 1 subscriber, one topic.
    case fanin
    /// 1 publisher → S subscribers of one topic.
    case fanout
    /// N publisher/subscriber pairs, each on its own topic.
    case pairs
    /// P publishers → a `$share` group of S subscribers.
    case shared
    /// 1 publisher → 1 subscriber at a fixed offered rate (`--rate`, default 10,000 msg/s).
    case latency
    /// Opens and holds C connections with one subscription each; no messages.
    case conn
}

/// What the user asked for, before defaults that depend on the scenario are applied.
struct BenchOptions {
    var scenario: Scenario
    var host = "127.0.0.1"
    /// Local addresses to connect from, in turn (empty: the kernel picks).
    var sourceHosts: [String] = []
    var port: UInt16 = 1883
    var qos = QoS.atMostOnce
    var inFlight = 32
    var payload = 64
    var duration = 5.0
    var warmup = 1.0
    var drain = 3.0
    var publishers: Int?
    var subscribers: Int?
    var pairs: Int?
    var connections: Int?
    var rate: Double?
    var window: Int?
    var connectConcurrency = 64
    var connectTimeout = 30.0
    var brokerPID: Int32?
    var json = false

    static let usage = """
        starling-bench: an MQTT 3.1.1 load generator on Starling's own reactor and codec.

        Usage: starling-bench SCENARIO [options]

        Scenarios:
          fanin    P publishers -> 1 subscriber on one topic          (default P = 8)
          fanout   1 publisher -> S subscribers of one topic          (default S = 100)
          pairs    N publisher/subscriber pairs on their own topics   (default N = 50)
          shared   P publishers -> a $share/bench group of S members  (default 8 -> 4)
          latency  1 publisher -> 1 subscriber at --rate msg/s        (default 10000)
          conn     open and hold C connections, one subscription each (default C = 10000)

        Options:
          --host HOST             broker address (default 127.0.0.1)
          --port PORT             broker port (default 1883)
          --bind HOST[,HOST...]   connect from these local addresses in turn (bind before connect):
                                  one loopback address pair has only ~28,000 source ports, so
                                  50,000 connections need e.g. 127.0.0.1,127.0.0.2
          --qos 0|1|2             publish and subscribe QoS, full handshakes (default 0)
          --inflight W            unacknowledged QoS 1/2 PUBLISHes per publisher (default 32)
          --payload BYTES         payload size, at least 24 (default 64)
          --duration SECONDS      measured time (default 5; conn: how long connections are held)
          --warmup SECONDS        load before measuring (default 1)
          --drain SECONDS         longest wait for outstanding messages after measuring (default 3)
          --publishers P          --subscribers S  --pairs N  --connections C
          --rate R                fixed offered rate in msg/s over all publishers (open loop)
          --window E              closed loop: how far (in messages) a publisher may run ahead of
                                  its slowest subscriber (default 400 / publishers, at least 1)
          --connect-concurrency K connections being set up at once (default 64)
          --connect-timeout SECONDS  longest time to connect and subscribe everyone (default 30)
          --broker-pid PID        sample the broker's CPU (/proc/PID/stat) and RSS (/proc/PID/status)
          --json                  print one JSON object on stdout (the human line goes to stderr)

        Exit status: 0 when the run completed, 1 when a connection failed or the broker broke the
        protocol, 2 for a usage error.
        """

    /// Parses `arguments`; returns an error message for a usage error.
    static func parse(_ arguments: [String]) -> Result<BenchOptions, UsageError> {
        guard let first = arguments.first, let scenario = Scenario(rawValue: first) else {
            return .failure(
                UsageError(
                    message: "the first argument must be a scenario: "
                        + Scenario.allCases.map(\.rawValue).joined(separator: ", ")))
        }
        var options = BenchOptions(scenario: scenario)
        var index = 1
        while index < arguments.count {
            let name = arguments[index]
            if name == "--json" {
                options.json = true
                index += 1
                continue
            }
            guard index + 1 < arguments.count else { return .failure(UsageError(message: "\(name) needs a value")) }
            let value = arguments[index + 1]
            if let problem = options.apply(name, value) { return .failure(UsageError(message: problem)) }
            index += 2
        }
        if options.payload < PublishTemplate.stampSize {
            return .failure(UsageError(message: "--payload must be at least \(PublishTemplate.stampSize) bytes"))
        }
        return .success(options)
    }

    /// Sets one option; returns a message when the name or value is not acceptable.
    private mutating func apply(_ name: String, _ value: String) -> String? {
        let count = Int(value).flatMap { $0 >= 1 ? $0 : nil }
        let seconds = Double(value).flatMap { $0 >= 0 && $0 <= 3600 ? $0 : nil }
        let accepted: Bool
        switch name {
        case "--host":
            host = value
            accepted = true
        case "--bind":
            sourceHosts = value.split(separator: ",").map(String.init)
            accepted = !sourceHosts.isEmpty
        case "--port":
            port = UInt16(value) ?? 0
            accepted = port > 0
        case "--qos":
            qos = UInt8(value).flatMap(QoS.init(rawValue:)) ?? qos
            accepted = UInt8(value).flatMap(QoS.init(rawValue:)) != nil
        case "--inflight":
            inFlight = count ?? inFlight
            accepted = count.map { $0 < 32_768 } ?? false
        case "--payload":
            payload = Int(value) ?? payload
            accepted = Int(value).map { $0 >= 0 && $0 <= 16 * 1024 * 1024 } ?? false
        case "--duration":
            duration = seconds ?? duration
            accepted = seconds.map { $0 > 0 } ?? false
        case "--warmup":
            warmup = seconds ?? warmup
            accepted = seconds != nil
        case "--drain":
            drain = seconds ?? drain
            accepted = seconds != nil
        case "--connect-timeout":
            connectTimeout = seconds ?? connectTimeout
            accepted = seconds.map { $0 > 0 } ?? false
        case "--rate":
            rate = Double(value)
            accepted = rate.map { $0 > 0 && $0 <= 10_000_000 } ?? false
        case "--broker-pid":
            brokerPID = Int32(value)
            accepted = brokerPID.map { $0 > 0 } ?? false
        case "--publishers", "--subscribers", "--pairs", "--connections", "--window", "--connect-concurrency":
            setCount(name, count)
            accepted = count != nil
        default:
            return "unknown option \(name)"
        }
        return accepted ? nil : "\(name) does not accept \(value)"
    }

    /// The options that take a positive count.
    private mutating func setCount(_ name: String, _ count: Int?) {
        switch name {
        case "--publishers": publishers = count
        case "--subscribers": subscribers = count
        case "--pairs": pairs = count
        case "--connections": connections = count
        case "--window": window = count
        default: connectConcurrency = count ?? connectConcurrency
        }
    }
}

/// A problem with the command line.
struct UsageError: Error {
    let message: String
}

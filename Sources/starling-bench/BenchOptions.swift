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
            return .failure(UsageError(message: "the first argument must be a scenario: "
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
        func count(_ minimum: Int = 1) -> Int? { Int(value).flatMap { $0 >= minimum ? $0 : nil } }
        func seconds() -> Double? { Double(value).flatMap { $0 >= 0 && $0 <= 3600 ? $0 : nil } }
        let bad = "\(name) does not accept \(value)"
        switch name {
        case "--host": host = value
        case "--port": guard let port = UInt16(value), port > 0 else { return bad }; self.port = port
        case "--qos": guard let level = UInt8(value), let qos = QoS(rawValue: level) else { return bad }; self.qos = qos
        case "--inflight": guard let count = count(), count < 32768 else { return bad }; inFlight = count
        case "--payload": guard let count = count(0), count <= 16 * 1024 * 1024 else { return bad }; payload = count
        case "--duration": guard let seconds = seconds(), seconds > 0 else { return bad }; duration = seconds
        case "--warmup": guard let seconds = seconds() else { return bad }; warmup = seconds
        case "--drain": guard let seconds = seconds() else { return bad }; drain = seconds
        case "--publishers": guard let count = count() else { return bad }; publishers = count
        case "--subscribers": guard let count = count() else { return bad }; subscribers = count
        case "--pairs": guard let count = count() else { return bad }; pairs = count
        case "--connections": guard let count = count() else { return bad }; connections = count
        case "--rate": guard let rate = Double(value), rate > 0, rate <= 10_000_000 else { return bad }; self.rate = rate
        case "--window": guard let count = count() else { return bad }; window = count
        case "--connect-concurrency": guard let count = count() else { return bad }; connectConcurrency = count
        case "--connect-timeout": guard let seconds = seconds(), seconds > 0 else { return bad }; connectTimeout = seconds
        case "--broker-pid": guard let pid = Int32(value), pid > 0 else { return bad }; brokerPID = pid
        default: return "unknown option \(name)"
        }
        return nil
    }
}

/// A problem with the command line.
struct UsageError: Error {
    let message: String
}

// A scenario resolved into connections, topics and limits. Topics are short and fixed so both
// brokers do the same matching work:
//
//   fanin    publishers → bench/fanin            subscriber: bench/fanin
//   fanout   publisher  → bench/fanout           subscribers: bench/fanout
//   pairs    publisher i → bench/pairs/i         subscriber i: bench/pairs/i
//   shared   publishers → bench/shared           members: $share/bench/bench/shared
//   latency  publisher  → bench/latency          subscriber: bench/latency
//   conn     no publishers                       holder i: bench/conn/i

import MQTTCodec

/// Everything the generator needs to know about one run, fixed before the first connection.
struct BenchPlan {
    let scenario: Scenario
    let qos: QoS
    let payload: Int
    let publishers: Int
    /// Subscribers (conn: the held connections).
    let subscribers: Int
    /// Deliveries each published message should cause.
    let deliveriesPerMessage: Int
    /// Closed loop: how many messages a publisher may run ahead of its slowest subscriber.
    let window: Int
    /// QoS 1/2 PUBLISHes a publisher may have unacknowledged.
    let inFlight: Int
    /// Open loop: offered messages per second over all publishers.
    let rate: Double?
    let warmup: Duration
    let duration: Duration
    let drain: Duration
    let connectConcurrency: Int
    let connectTimeout: Duration
    /// A per-process prefix for client identifiers, so two runs never take each other's sessions.
    let clientPrefix: String

    init(_ options: BenchOptions, processID: Int32) {
        scenario = options.scenario
        qos = options.qos
        payload = options.payload
        switch options.scenario {
        case .fanin:
            publishers = options.publishers ?? 8
            subscribers = 1
        case .fanout:
            publishers = 1
            subscribers = options.subscribers ?? 100
        case .pairs:
            publishers = options.pairs ?? options.publishers ?? 50
            subscribers = publishers
        case .shared:
            publishers = options.publishers ?? 8
            subscribers = options.subscribers ?? 4
        case .latency:
            publishers = 1
            subscribers = 1
        case .conn:
            publishers = 0
            subscribers = options.connections ?? 10_000
        }
        deliveriesPerMessage = options.scenario == .fanout ? subscribers : 1
        window = options.window ?? max(1, 400 / max(1, publishers))
        inFlight = options.inFlight
        rate = options.scenario == .latency ? (options.rate ?? 10_000) : options.rate
        warmup = .milliseconds(Int64(options.warmup * 1000))
        duration = .milliseconds(Int64(options.duration * 1000))
        drain = .milliseconds(Int64(options.drain * 1000))
        connectConcurrency = options.connectConcurrency
        connectTimeout = .milliseconds(Int64(options.connectTimeout * 1000))
        clientPrefix = "sb\(processID)"
    }

    var connectionCount: Int { publishers + subscribers }

    /// Whether duplicates are judged per publisher (several subscribers share one publisher's
    /// sequence) rather than per publisher and subscriber.
    var tracksPerPublisher: Bool { scenario == .pairs || scenario == .shared }

    /// Duplicate trackers needed.
    var trackerCount: Int { tracksPerPublisher ? publishers : publishers * subscribers }

    func tracker(subscriber: Int, publisher: Int) -> Int {
        tracksPerPublisher ? publisher : subscriber * publishers + publisher
    }

    /// The subscribers that receive every message of `publisher` (empty for a shared group, whose
    /// members each receive some).
    func subscribers(of publisher: Int) -> Range<Int> {
        switch scenario {
        case .pairs: publisher..<(publisher + 1)
        case .shared, .conn: 0..<0
        default: 0..<subscribers
        }
    }

    func publisherTopic(_ index: Int) -> String {
        switch scenario {
        case .pairs: "bench/pairs/\(index)"
        default: "bench/\(scenario.rawValue)"
        }
    }

    func subscriberFilter(_ index: Int) -> String {
        switch scenario {
        case .pairs: "bench/pairs/\(index)"
        case .shared: "$share/bench/bench/shared"
        case .conn: "bench/conn/\(index)"
        default: "bench/\(scenario.rawValue)"
        }
    }

    /// A one-line description such as `fanin 8->1 QoS 1 64 B`.
    var shape: String {
        let topology: String
        switch scenario {
        case .pairs: topology = "\(publishers) pairs"
        case .conn: topology = "\(subscribers) connections"
        default: topology = "\(publishers)->\(subscribers)"
        }
        let load = rate.map { " at \(Int($0)) msg/s" } ?? ""
        return "\(scenario.rawValue) \(topology) QoS \(qos.rawValue) \(payload) B\(load)"
    }
}

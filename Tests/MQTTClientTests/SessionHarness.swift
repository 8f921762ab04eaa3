import MQTTClient
import MQTTCodec
import Reactor

/// Drives a `ClientSession` on a manual clock and collects its actions.
struct SessionHarness {
    var session: ClientSession
    var now = Instant(nanoseconds: 1_000_000_000_000)
    private var nextRequest: UInt64 = 1

    init(options: ClientOptions = SessionHarness.options(), restored: [StoredPublish] = []) {
        session = ClientSession(options: options, restored: restored, randomSeed: 42)
    }

    static func options(keepAlive: UInt16 = 60, cleanSession: Bool = true, inFlight: Int = 20) -> ClientOptions {
        var options = ClientOptions(clientID: "tester", cleanSession: cleanSession, keepAlive: keepAlive)
        options.maximumInFlight = inFlight
        return options
    }

    mutating func request() -> RequestID {
        defer { nextRequest += 1 }
        return RequestID(nextRequest)
    }

    mutating func advance(by duration: Duration) {
        now = now + duration
    }

    mutating func run(_ body: (inout ClientSession, Instant, inout [ClientAction]) -> Void) -> [ClientAction] {
        var actions: [ClientAction] = []
        body(&session, now, &actions)
        return actions
    }

    mutating func receive(_ packet: Packet) -> [ClientAction] {
        run { session, now, actions in session.received(packet, now: now, actions: &actions) }
    }

    mutating func tick() -> [ClientAction] {
        run { session, now, actions in session.tick(now: now, actions: &actions) }
    }

    /// Connects and answers CONNACK; returns the actions of the CONNACK.
    @discardableResult
    mutating func connect(sessionPresent: Bool = false) -> [ClientAction] {
        let request = request()
        _ = run { session, now, actions in session.connect(request: request, now: now, actions: &actions) }
        _ = run { session, now, actions in session.transportConnected(now: now, actions: &actions) }
        return receive(.connAck(ConnAck(sessionPresent: sessionPresent, returnCode: .accepted)))
    }

    mutating func publish(_ topic: String, _ text: String, qos: QoS, request: RequestID? = nil) -> [ClientAction] {
        let name = try! TopicName(topic)
        return run { session, now, actions in
            session.publish(
                topic: name, payload: ByteBuffer(string: text), qos: qos, retain: false, request: request, now: now,
                actions: &actions)
        }
    }

    mutating func loseConnection(_ error: ClientError = .closedByBroker) -> [ClientAction] {
        run { session, now, actions in session.transportClosed(error, now: now, actions: &actions) }
    }

    /// After `loseConnection`: waits out the backoff, reconnects and answers CONNACK; returns the
    /// actions of the CONNACK.
    mutating func reconnect(sessionPresent: Bool) -> [ClientAction] {
        advance(by: .seconds(30))
        _ = tick()
        _ = run { session, now, actions in session.transportConnected(now: now, actions: &actions) }
        return receive(.connAck(ConnAck(sessionPresent: sessionPresent, returnCode: .accepted)))
    }
}

/// The packets among `actions`, in order.
func sentPackets(_ actions: [ClientAction]) -> [Packet] {
    actions.compactMap { if case .send(let packet) = $0 { packet } else { nil } }
}

func publishPacket(_ topic: String, _ text: String, qos: QoS, id: PacketID?, dup: Bool = false, retain: Bool = false)
    -> Publish
{
    Publish(
        topic: try! TopicName(topic), payload: ByteBuffer(string: text), qos: qos, packetID: id, retain: retain,
        dup: dup)
}

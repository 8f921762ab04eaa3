// SUBSCRIBE (section 3.8): packet identifier, then one or more (topic filter, requested QoS) pairs
// [MQTT-3.8.3-3]; the QoS byte has six reserved bits that must be zero [MQTT-3-8.3-4].
// UNSUBSCRIBE (section 3.10): packet identifier, then one or more topic filters [MQTT-3.10.3-2].

/// SUBSCRIBE: asks for messages on one or more topic filters.
public struct Subscribe: PacketBody {
    static let packetType = PacketType.subscribe

    /// One requested subscription.
    public struct Request: Sendable, Hashable {
        public var filter: TopicFilter
        public var qos: QoS
        public init(filter: TopicFilter, qos: QoS) {
            self.filter = filter
            self.qos = qos
        }
    }

    public var packetID: PacketID
    public var requests: [Request]

    public init(packetID: PacketID, requests: [Request]) {
        self.packetID = packetID
        self.requests = requests
    }

    var remainingLength: Int {
        requests.reduce(2) { $0 + $1.filter.string.mqttEncodedSize + 1 }
    }

    func writeBody(into buffer: inout ByteBuffer) {
        buffer.writeInteger(packetID.rawValue)
        for request in requests {
            buffer.writeMQTTString(request.filter.string)
            buffer.writeInteger(request.qos.rawValue)
        }
    }

    static func decode(body: inout ByteBuffer) throws(DecodeError) -> Subscribe {
        let id = try body.readPacketID(in: .subscribe)
        var requests: [Request] = []
        while body.readableBytes > 0 {
            let filter = try readFilter(from: &body, in: .subscribe)
            guard let qosByte: UInt8 = body.readInteger() else { throw .truncated(.subscribe) }
            guard let qos = QoS(rawValue: qosByte) else { throw .invalidRequestedQoS(qosByte) }
            requests.append(Request(filter: filter, qos: qos))
        }
        guard !requests.isEmpty else { throw .noTopicFilters(.subscribe) }
        return Subscribe(packetID: id, requests: requests)
    }
}

/// UNSUBSCRIBE: drops one or more subscriptions.
public struct Unsubscribe: PacketBody {
    static let packetType = PacketType.unsubscribe

    public var packetID: PacketID
    public var filters: [TopicFilter]

    public init(packetID: PacketID, filters: [TopicFilter]) {
        self.packetID = packetID
        self.filters = filters
    }

    var remainingLength: Int {
        filters.reduce(2) { $0 + $1.string.mqttEncodedSize }
    }

    func writeBody(into buffer: inout ByteBuffer) {
        buffer.writeInteger(packetID.rawValue)
        for filter in filters { buffer.writeMQTTString(filter.string) }
    }

    static func decode(body: inout ByteBuffer) throws(DecodeError) -> Unsubscribe {
        let id = try body.readPacketID(in: .unsubscribe)
        var filters: [TopicFilter] = []
        while body.readableBytes > 0 {
            filters.append(try readFilter(from: &body, in: .unsubscribe))
        }
        guard !filters.isEmpty else { throw .noTopicFilters(.unsubscribe) }
        return Unsubscribe(packetID: id, filters: filters)
    }
}

/// Reads a topic filter field [MQTT-3.8.3-1], [MQTT-3.10.3-1].
private func readFilter(from body: inout ByteBuffer, in type: PacketType) throws(DecodeError) -> TopicFilter {
    let bytes = try body.readMQTTStringBytes(in: type)
    do { return try TopicFilter(validating: bytes) } catch { throw .invalidTopicFilter(error) }
}

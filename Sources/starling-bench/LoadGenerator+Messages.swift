// The message side of the generator: publishing from pre-encoded frames, and the inbound packets
// parsed in place from the read buffer (fixed header by the codec, the rest by offset).
//
// Closed loop (default): a publisher may run at most `window` messages ahead of its slowest
// subscriber, so neither broker is pushed into dropping or queueing without bound and the rate
// measured is the rate it sustains. Position, not count: MQTT keeps one publisher's messages in
// order towards one subscriber, so a delivery of number n accounts for every earlier one, and a
// message the broker dropped is counted as lost without shrinking the window for the rest of the
// run. A shared group's members each see only some numbers; there unique deliveries are counted.
// Open loop (`--rate R`): publisher p sends its k-th message at start + (k·P + p) / R; the stamp is
// that intended time, so time spent behind schedule counts as latency (no coordinated omission).

import MQTTCodec
import Reactor

extension LoadGenerator {
    // MARK: Publishing

    /// Lets every publisher send what its window or the schedule allows.
    mutating func publishDue() {
        guard !publishers.isEmpty else { return }
        let now = Instant.now()
        for publisher in publishers.indices { publish(publisher, now: now) }
    }

    private mutating func publish(_ publisher: Int, now: Instant) {
        let connection = publishers[publisher].connection
        guard connections[connection].state == .ready, !connections[connection].writeArmed else { return }
        let sent = publishers[publisher].sent
        var budget: Int
        if plan.rate != nil {
            budget = Int(clamping: dueCount(publisher, now: now) &- sent)
        } else {
            let ahead = outstanding(publisher)
            budget = ahead >= UInt64(plan.window) ? 0 : Int(UInt64(plan.window) - ahead)
        }
        if plan.qos != .atMostOnce { budget = min(budget, plan.inFlight - publishers[publisher].inFlight) }
        budget = min(budget, Self.publishBatch)
        guard budget > 0 else { return }
        let template = publishers[publisher].template
        connections[connection].output.reserveWritableCapacity(budget * template.count)
        for offset in 0..<UInt64(budget) {
            let sequence = sent + offset
            let packetID = plan.qos == .atMostOnce ? 0 : allocatePacketID(publisher)
            let sentAt = plan.rate == nil ? now.nanoseconds : intendedTime(publisher, sequence: sequence)
            connections[connection].output.writeBytes(
                template.stamped(packetID: packetID, sequence: sequence, sentAt: sentAt))
        }
        publishers[publisher].sent = sent + UInt64(budget)
        counts.published &+= UInt64(budget)
        markDirty(connection)
    }

    /// Messages `publisher` has sent beyond what its slowest subscriber has seen (or, for a shared
    /// group, beyond its unique deliveries).
    func outstanding(_ publisher: Int) -> UInt64 {
        let sent = publishers[publisher].sent
        let receivers = plan.subscribers(of: publisher)
        guard !receivers.isEmpty else { return sent - min(publishers[publisher].uniqueDelivered, sent) }
        var slowest = UInt64.max
        for subscriber in receivers {
            slowest = min(slowest, highestSeen[subscriber * plan.publishers + publisher])
        }
        return sent - min(slowest, sent)
    }

    /// Open loop: how many messages publisher `p` should have sent by `now` (slots are numbered
    /// over all publishers; slot j belongs to publisher j mod P).
    private func dueCount(_ publisher: Int, now: Instant) -> UInt64 {
        let elapsed = Double(now.nanoseconds &- rateStart.nanoseconds)
        let lastSlot = UInt64(elapsed / rateInterval)
        let count = UInt64(plan.publishers)
        let index = UInt64(publisher)
        return lastSlot < index ? 0 : (lastSlot - index) / count + 1
    }

    private func intendedTime(_ publisher: Int, sequence: UInt64) -> UInt64 {
        let slot = sequence * UInt64(plan.publishers) + UInt64(publisher)
        return rateStart.nanoseconds + UInt64(Double(slot) * rateInterval)
    }

    /// The next free packet identifier (1...65535) of a publisher, marked as published.
    private mutating func allocatePacketID(_ publisher: Int) -> UInt16 {
        let table = publishers[publisher].packetIDs
        var id = publishers[publisher].nextPacketID
        while table[id] != .free || id == 0 { id = id == .max ? 1 : id + 1 }
        table[id] = .published
        publishers[publisher].nextPacketID = id == .max ? 1 : id + 1
        publishers[publisher].inFlight += 1
        return id
    }

    // MARK: Inbound

    /// Handles every whole packet in `buffer`, leaving a partial one unread.
    mutating func process(_ buffer: inout ByteBuffer, connection: Int, now: Instant) {
        while failure == nil {
            let header: FixedHeader?
            do {
                header = try FixedHeader.peek(in: buffer, maximumRemainingLength: Self.maximumPacket)
            } catch {
                fail("the broker sent bytes that are not MQTT: \(error)")
                return
            }
            guard let header, buffer.readableBytes >= header.packetLength else { return }
            switch header.type {
            case .publish: received(publishIn: buffer, header, connection: connection, now: now)
            case .pubAck, .pubRec, .pubComp, .pubRel:
                received(acknowledgementIn: buffer, header, connection: connection)
            case .connAck, .subAck: received(setUpIn: buffer, header, connection: connection)
            case .pingResp: break
            default: fail("the broker sent an unexpected \(header.type)")
            }
            buffer.moveReaderIndex(forwardBy: header.packetLength)
        }
    }

    /// A PUBLISH for a subscriber: acknowledge it, then account for its stamp.
    private mutating func received(publishIn buffer: ByteBuffer, _ header: FixedHeader, connection: Int, now: Instant) {
        guard case .subscriber(let subscriber) = connections[connection].role else {
            fail("a publisher connection received a PUBLISH")
            return
        }
        let qos = (header.flags >> 1) & 0x03
        let (packetID, stamp) = buffer.withReadableBytes { raw -> (UInt16, MessageStamp?) in
            let body = UnsafeRawBufferPointer(rebasing: raw[header.headerLength..<header.packetLength])
            guard body.count >= 2 else { return (0, nil) }
            var offset = 2 + (Int(body[0]) << 8 | Int(body[1]))
            var id: UInt16 = 0
            if qos != 0 {
                guard body.count >= offset + 2 else { return (0, nil) }
                id = UInt16(body[offset]) << 8 | UInt16(body[offset + 1])
                offset += 2
            }
            guard offset <= body.count else { return (0, nil) }
            return (id, MessageStamp(payload: UnsafeRawBufferPointer(rebasing: body[offset...])))
        }
        switch qos {
        case 1: appendAcknowledgement(0x40, packetID, to: connection)
        case 2: appendAcknowledgement(0x50, packetID, to: connection)
        default: break
        }
        guard let stamp, stamp.publisher < publishers.count, stamp.sequence < publishers[stamp.publisher].sent else {
            counts.foreign &+= 1
            return
        }
        counts.delivered &+= 1
        if duplicates.isDuplicate(
            stream: plan.tracker(subscriber: subscriber, publisher: stamp.publisher), sequence: stamp.sequence)
        {
            counts.duplicates &+= 1
        } else {
            let stream = subscriber * plan.publishers + stamp.publisher
            if stamp.sequence < highestSeen[stream] {
                counts.outOfOrder &+= 1
            } else {
                highestSeen[stream] = stamp.sequence + 1
            }
            publishers[stamp.publisher].uniqueDelivered &+= 1
        }
        if phase == .measuring {
            histogram.record(now.nanoseconds > stamp.sentAt ? now.nanoseconds - stamp.sentAt : 0)
        }
    }

    /// PUBACK, PUBREC, PUBCOMP for a publisher; PUBREL for a subscriber.
    private mutating func received(acknowledgementIn buffer: ByteBuffer, _ header: FixedHeader, connection: Int) {
        guard header.remainingLength == 2 else {
            fail("the broker sent a \(header.type) with remaining length \(header.remainingLength)")
            return
        }
        let id = UInt16(buffer.peekInteger(at: 2)!) << 8 | UInt16(buffer.peekInteger(at: 3)!)
        switch connections[connection].role {
        case .subscriber:
            guard header.type == .pubRel else {
                fail("a subscriber connection received \(header.type)")
                return
            }
            appendAcknowledgement(0x70, id, to: connection)
        case .publisher(let publisher):
            let table = publishers[publisher].packetIDs
            switch (header.type, plan.qos, table[id]) {
            case (.pubAck, .atLeastOnce, .published), (.pubComp, .exactlyOnce, .released):
                table[id] = .free
                publishers[publisher].inFlight -= 1
            case (.pubRec, .exactlyOnce, .published):
                table[id] = .released
                appendAcknowledgement(0x62, id, to: connection)
            default:
                counts.unexpectedAcks &+= 1
            }
        }
    }

    /// Appends PUBACK (0x40), PUBREC (0x50), PUBREL (0x62) or PUBCOMP (0x70) for `id`.
    @inline(__always)
    private mutating func appendAcknowledgement(_ firstByte: UInt8, _ id: UInt16, to connection: Int) {
        var frame = (UInt32(firstByte) | 0x02 << 8 | UInt32(id >> 8) << 16 | UInt32(id & 0xFF) << 24).littleEndian
        withUnsafeBytes(of: &frame) { connections[connection].output.writeBytes($0) }
        markDirty(connection)
    }

    /// CONNACK and SUBACK: cold, so decoded with the codec.
    private mutating func received(setUpIn buffer: ByteBuffer, _ header: FixedHeader, connection: Int) {
        var copy = buffer
        let packet: Packet?
        do {
            packet = try PacketDecoder(maximumRemainingLength: Self.maximumPacket).decode(from: &copy)
        } catch {
            fail("the broker sent a malformed \(header.type): \(error)")
            return
        }
        switch (packet, connections[connection].state, connections[connection].role) {
        case (.connAck(let connAck), .awaitingConnAck, let role):
            guard connAck.returnCode == .accepted else {
                fail("the broker refused a connection: \(connAck.returnCode)")
                return
            }
            if case .subscriber = role {
                connections[connection].state = .awaitingSubAck
            } else {
                becameReady(connection)
            }
        case (.subAck(let subAck), .awaitingSubAck, _):
            switch subAck.returnCodes.first {
            case .granted(let qos) where qos == plan.qos:
                break
            case .granted(let qos):
                warn("the broker granted \(qos) where \(plan.qos) was asked for")
            default:
                fail("the broker refused a subscription")
                return
            }
            becameReady(connection)
        default:
            fail("the broker sent an unexpected \(header.type)")
        }
    }
}

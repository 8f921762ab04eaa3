// The byte side of a loop: accepting, reading and decoding, handing connections to their home
// loop, performing the shard's actions, and the coalesced flush.

import MQTTCodec
import Reactor

extension BrokerLoop {
    /// Accepts what is pending, a bounded number per pass so one busy listener cannot starve the rest.
    mutating func acceptConnections(fromListener listenerIndex: Int, now: Instant) {
        let listener = listeners[listenerIndex]
        for _ in 0..<64 {
            let accepted: (Socket, SocketAddress)?
            do {
                accepted = try listener.accept()
            } catch where error.isOutOfDescriptors {
                log.log(.error, "Error accepting a connection: \(error); not accepting for a second (raise `ulimit -n`).")
                pauseAccepting(now: now)
                return
            } catch {
                log.log(.error, "Error accepting a connection: \(error).")
                return
            }
            guard let (socket, peer) = accepted else { return }
            guard listenerLimits[listenerIndex].admit() else {
                log.log(.notice, "Client connection from \(peer.host) denied: max_connections exceeded.")
                socket.close()
                continue
            }
            socket.setNoDelay()
            let peerName = peer.description
            guard let id = allocateSlot(socket, peer: peerName, listener: listenerIndex) else { continue }
            shard.connectionOpened(id, peer: peerName, now: now)
        }
    }

    /// One read per ready socket per pass. With no partial packet carried over, the bytes land in the
    /// loop's shared read buffer and only a partial tail is copied into the connection.
    mutating func read(_ id: ConnectionID, slot: Int, now: Instant) {
        guard let socket = slots[slot].socket else { return }
        let carriesTail = slots[slot].input.readableBytes > 0
        var buffer = ByteBuffer()  // empty buffers share one storage: nothing allocated
        if carriesTail {
            swap(&buffer, &slots[slot].input)
        } else {
            swap(&buffer, &readBuffer)  // empty: `restoreReadBuffer` clears it on every path
        }
        let outcome: ReadOutcome
        do {
            outcome = try socket.read(into: &buffer, maximum: Self.readChunk)
        } catch {
            restoreReadBuffer(&buffer, carriedTail: carriesTail, slot: slot, id: id)
            lose(id, reason: error.isPeerGone ? .peerClosed : .ioError(error.description))
            return
        }
        switch outcome {
        case .wouldBlock:
            restoreReadBuffer(&buffer, carriedTail: carriesTail, slot: slot, id: id)
        case .endOfFile:
            restoreReadBuffer(&buffer, carriedTail: carriesTail, slot: slot, id: id)
            lose(id, reason: .peerClosed)
        case .read(let count):
            counters.bytesReceived += count
            process(&buffer, id: id, slot: slot, now: now)
            restoreReadBuffer(&buffer, carriedTail: carriesTail, slot: slot, id: id)
        }
    }

    /// Puts the shared read buffer back and keeps any partial packet with its connection.
    private mutating func restoreReadBuffer(_ buffer: inout ByteBuffer, carriedTail: Bool, slot: Int, id: ConnectionID) {
        let alive = liveSlot(id) != nil
        if carriedTail {
            if alive && buffer.readableBytes > 0 {
                buffer.discardReadBytes()
                swap(&buffer, &slots[slot].input)
            }
        } else {
            if alive && buffer.readableBytes > 0 { slots[slot].input = buffer.detached }
            buffer.clear()
            swap(&buffer, &readBuffer)
        }
    }

    /// Decodes and handles every whole packet in `buffer`.
    mutating func process(_ buffer: inout ByteBuffer, id: ConnectionID, slot: Int, now: Instant) {
        while liveSlot(id) != nil {
            do {
                guard try processNextPacket(&buffer, id: id, slot: slot, now: now) else { return }
            } catch {
                shard.decodeFailed(error, on: id, actions: &actions)
                performActions()
                return
            }
            performActions()
        }
    }

    /// Handles the packet at the front of `buffer`. False when no whole packet is there, or when
    /// the connection moved to another loop with the rest of `buffer`.
    private mutating func processNextPacket(
        _ buffer: inout ByteBuffer, id: ConnectionID, slot: Int, now: Instant
    ) throws(DecodeError) -> Bool {
        // Acknowledgements and PUBLISH, nearly all the traffic, skip `Packet`: building and
        // destroying that enum (through its generic value witness) cost more than handling an
        // acknowledgement.
        if slots[slot].sawFirstPacket {
            if let acknowledgement = PublishAcknowledgement.decodeIfNext(from: &buffer) {
                counters.messagesReceived += 1
                shard.received(acknowledgement, on: id, now: now, actions: &actions)
                return true
            }
            if let layout = try decoder.peekPublish(in: buffer) {
                counters.messagesReceived += 1
                buffer.withReadableBytes { packet in
                    shard.received(publishIn: packet, layout: layout, on: id, now: now, actions: &actions)
                }
                buffer.moveReaderIndex(forwardBy: layout.packetLength)
                return true
            }
        }
        guard let packet = try decoder.decode(from: &buffer) else { return false }
        counters.messagesReceived += 1
        if !slots[slot].sawFirstPacket {
            slots[slot].sawFirstPacket = true
            if case .connect(let connect) = packet, !connect.clientID.isEmpty {
                let home = context.homeShard(of: connect.clientID)
                if home != index {
                    handOff(slot, id: id, to: home, connect: connect, leftover: buffer.detached)
                    buffer.clear()
                    return false
                }
            }
        }
        shard.received(packet, on: id, now: now, actions: &actions)
        return true
    }

    /// Moves a connection to the loop that owns its client id's sessions.
    private mutating func handOff(_ slot: Int, id: ConnectionID, to home: Int, connect: Connect, leftover: ByteBuffer) {
        guard let socket = slots[slot].socket, let peer = shard.peer(of: id) else { return }
        let listener = slots[slot].listener
        poller.unregister(socket)
        shard.connectionHandedOff(id)
        releaseSlot(slot)
        outboxes[home].append(.adopt(socket, peer: peer, listener: listener, connect: connect, leftover: leftover))
    }

    /// Takes over a connection handed over by another loop, its CONNECT already decoded.
    mutating func adopt(_ socket: Socket, peer: String, listener: Int, connect: Connect, leftover: ByteBuffer, now: Instant) {
        guard let id = allocateSlot(socket, peer: peer, listener: listener) else { return }
        let slot = Int(id.slot)
        slots[slot].sawFirstPacket = true
        shard.connectionOpened(id, peer: peer, now: now)
        shard.received(.connect(connect), on: id, now: now, actions: &actions)
        performActions()
        guard liveSlot(id) != nil, leftover.readableBytes > 0 else { return }
        var buffer = leftover
        process(&buffer, id: id, slot: slot, now: now)
        if liveSlot(id) != nil && buffer.readableBytes > 0 { slots[slot].input = buffer.detached }
    }

    /// The connection ended under us: let the shard clean up, then release the socket.
    mutating func lose(_ id: ConnectionID, reason: CloseReason) {
        guard let slot = liveSlot(id) else { return }
        shard.connectionLost(id, reason: reason, actions: &actions)
        performActions()
        closeSocket(slot)
    }

    // MARK: Actions

    /// Performs the shard's actions in order and leaves `actions` empty, its capacity kept.
    mutating func performActions() {
        guard !actions.isEmpty else { return }
        // Reversed, then popped from the back: each action is moved out. Iterating with `for action
        // in actions` copied every action and its packet and destroyed both again in
        // `removeAll(keepingCapacity:)` (~1,900 instructions per QoS 2 message). Reversing through
        // the buffer pointer moves elements; `Array.reverse()` copies them (~800 instructions).
        if actions.count > 1 { actions.withUnsafeMutableBufferPointer { $0.reverse() } }
        while let action = actions.popLast() {
            switch action {
            case .send(let id, let packet):
                guard let slot = liveSlot(id) else { continue }
                packet.encode(into: &slots[slot].output)
                counters.messagesSent += 1
                markDirty(slot)
            case .acknowledge(let id, let acknowledgement):
                guard let slot = liveSlot(id) else { continue }
                acknowledgement.write(into: &slots[slot].output)
                counters.messagesSent += 1
                markDirty(slot)
            case .deliver(let id, let message, let qos, let packetID, let retain, let dup):
                guard let slot = liveSlot(id) else { continue }
                if qos == .atMostOnce && slots[slot].output.readableBytes > context.limits.maximumPendingOutputBytes {
                    context.statistics.publishDropped.increment()
                    if !slots[slot].isDropping {
                        slots[slot].isDropping = true
                        log.log(.notice, "Outgoing messages are being dropped for client \(shard.clientID(of: id) ?? "<unknown>").")
                    }
                    continue
                }
                message.writePublish(into: &slots[slot].output, qos: qos, packetID: packetID, retain: retain, dup: dup)
                counters.messagesSent += 1
                counters.publishSent += 1
                markDirty(slot)
            case .close(let id, _):
                guard let slot = liveSlot(id) else { continue }
                slots[slot].closeAfterFlush = true
                markDirty(slot)
            case .forward(let message, let target):
                outboxes[target].append(.forward(message))
            case .forwardShared(let message, let delivery):
                outboxes[delivery.shard].append(.forwardShared(message, delivery))
            case .log(let level, let line):
                log.log(level, line)
            }
        }
    }

    /// Writes what is pending for one connection: one send for everything queued this pass. Write
    /// interest is armed only when the kernel would not take it all.
    mutating func flush(_ slot: Int) {
        slots[slot].isDirty = false
        guard let socket = slots[slot].socket else { return }
        let before = slots[slot].output.readableBytes
        let complete: Bool
        do {
            complete = try socket.flush(&slots[slot].output)
        } catch {
            if slots[slot].closeAfterFlush {
                closeSocket(slot)
            } else {
                lose(ConnectionID(slot: UInt32(slot), generation: slots[slot].generation), reason: error.isPeerGone ? .peerClosed : .ioError(error.description))
            }
            return
        }
        counters.bytesSent += before - slots[slot].output.readableBytes
        let id = ConnectionID(slot: UInt32(slot), generation: slots[slot].generation)
        if complete {
            slots[slot].isDropping = false
            if slots[slot].output.capacity > Self.readChunk {
                slots[slot].output = ByteBuffer(capacity: 0)
            } else {
                slots[slot].output.clear()
            }
            if slots[slot].closeAfterFlush {
                closeSocket(slot)
                return
            }
            if slots[slot].writeArmed {
                slots[slot].writeArmed = false
                try? poller.modify(socket, token: id.token, interest: readInterest)
            }
        } else if slots[slot].closeAfterFlush {
            closeSocket(slot)  // a peer that does not read is not waited for
        } else if !slots[slot].writeArmed {
            slots[slot].writeArmed = true
            try? poller.modify(socket, token: id.token, interest: readInterest.union(.writable))
        }
    }

    // MARK: Stopping

    mutating func handleSignals() {
        guard let signals else { return }
        while let signal = signals.next() {
            switch signal {
            case SignalReader.interrupt, SignalReader.terminate:
                log.log(.notice, "Starling terminating (signal \(signal)).")
                for mailbox in mailboxes { mailbox.post(.stop) }
            case SignalReader.hangUp:
                // Log rotation moves the file away and sends SIGHUP, as for Mosquitto.
                do {
                    try log.reopenFile()
                    log.log(.notice, "Reopened the log file on SIGHUP; reloading the configuration is not supported yet.")
                } catch {
                    log.log(.error, "Error: unable to reopen the log file on SIGHUP: \(error).")
                }
            default:
                break
            }
        }
    }

    /// How long a stopping loop waits for the others to say they are drained.
    static let drainLimit = Duration.seconds(2)

    /// A stop was asked for: stop accepting and reading. The pass ends with this loop's last
    /// forwards posted and then `.drained` to every other loop (`finishStopping`).
    mutating func beginStopping(now: Instant) {
        guard stoppingSince == nil, !isStopped else { return }
        stoppingSince = now
        for listener in listeners { poller.unregister(listener) }
        // Unread input would keep level-triggered epoll reporting it: watch writes only.
        for slot in slots.indices {
            guard let socket = slots[slot].socket else { continue }
            let id = ConnectionID(slot: UInt32(slot), generation: slots[slot].generation)
            try? poller.modify(socket, token: id.token, interest: slots[slot].writeArmed ? .writable : [])
        }
    }

    /// What a connection is watched for besides writability: input, until the loop is stopping.
    var readInterest: Interest { stoppingSince == nil ? .readable : [] }

    /// At the end of a stopping pass: announce this loop drained (after its forwards, so they
    /// arrive first), and stop once every other loop has done the same, or after `drainLimit`.
    /// Returns when to look again.
    mutating func finishStopping(since: Instant, now: Instant) -> Instant? {
        if !drainedAnnounced {
            drainedAnnounced = true
            for target in mailboxes.indices where target != index { mailboxes[target].post(.drained) }
        }
        let deadline = since + Self.drainLimit
        guard drainedPeers >= mailboxes.count - 1 || now >= deadline else { return deadline }
        stop()
        return nil
    }

    /// Closes every connection (wills published, persistent sessions kept), flushes, and stops.
    mutating func stop() {
        guard !isStopped else { return }
        shard.shutdown(actions: &actions)
        performActions()
        flushDirty()
        for slot in slots.indices { closeSocket(slot) }
        counters.flush(into: context.statistics)
        shard.flushStatistics()
        if stoppingSince == nil { for listener in listeners { poller.unregister(listener) } }
        if let signals { poller.unregister(signals) }
        isStopped = true
    }
}

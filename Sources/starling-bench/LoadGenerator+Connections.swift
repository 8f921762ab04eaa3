// The socket side of the generator: connecting, the once-per-pass read with only a partial tail
// kept per connection, the coalesced flush, and closing.

import MQTTCodec
import Reactor

extension LoadGenerator {
    /// Starts TCP connections while fewer than `connectConcurrency` are being set up.
    mutating func startConnects() {
        while settingUp < plan.connectConcurrency && nextToConnect < connections.count {
            let index = nextToConnect
            nextToConnect += 1
            do {
                let source = sources.isEmpty ? nil : sources[index % sources.count]
                let (socket, isConnected) = try Socket.startConnect(to: address, from: source)
                connections[index].socket = socket
                connections[index].state = .connecting
                settingUp += 1
                try poller.register(
                    socket, token: UInt64(index), interest: isConnected ? .readable : [.readable, .writable])
                if isConnected { established(index, armedForWrite: false) }
            } catch {
                fail("cannot connect to \(address): \(error)")
                return
            }
        }
    }

    /// The TCP connection attempt finished, well or badly.
    mutating func finishConnecting(_ index: Int) {
        guard let socket = connections[index].socket else { return }
        do {
            try socket.finishConnect()
        } catch {
            fail("cannot connect to \(address): \(error)")
            return
        }
        established(index, armedForWrite: true)
    }

    /// Sends CONNECT, and SUBSCRIBE right behind it for subscribers (the broker handles them in order).
    private mutating func established(_ index: Int, armedForWrite: Bool) {
        guard let socket = connections[index].socket else { return }
        socket.setNoDelay()
        if armedForWrite { try? poller.modify(socket, token: UInt64(index), interest: .readable) }
        let clientID: String
        switch connections[index].role {
        case .publisher(let publisher): clientID = "\(plan.clientPrefix)p\(publisher)"
        case .subscriber(let subscriber): clientID = "\(plan.clientPrefix)s\(subscriber)"
        }
        Packet.connect(Connect(clientID: clientID, cleanSession: true, keepAlive: 0)).encode(
            into: &connections[index].output)
        if case .subscriber(let subscriber) = connections[index].role {
            do {
                let filter = try TopicFilter(plan.subscriberFilter(subscriber))
                Packet.subscribe(Subscribe(packetID: .first, requests: [.init(filter: filter, qos: plan.qos)]))
                    .encode(into: &connections[index].output)
            } catch {
                fail("invalid topic filter \(plan.subscriberFilter(subscriber)): \(error)")
            }
        }
        connections[index].state = .awaitingConnAck
        markDirty(index)
    }

    /// A connection finished its set-up.
    mutating func becameReady(_ index: Int) {
        connections[index].state = .ready
        settingUp -= 1
        readyCount += 1
    }

    // MARK: Reading

    /// One read per ready socket per pass. Without a carried tail the bytes land in the shared read
    /// buffer and only a partial packet is copied into the connection.
    mutating func read(_ index: Int, now: Instant) {
        guard let socket = connections[index].socket else { return }
        let carriesTail = connections[index].input.readableBytes > 0
        var buffer = ByteBuffer()
        if carriesTail {
            swap(&buffer, &connections[index].input)
        } else {
            swap(&buffer, &readBuffer)
            buffer.clear()
        }
        let outcome: ReadOutcome
        do {
            outcome = try socket.read(into: &buffer, maximum: Self.readChunk)
        } catch {
            outcome = .wouldBlock
            lost(index, because: "\(error)")
        }
        switch outcome {
        case .wouldBlock: break
        case .endOfFile: lost(index, because: "closed by the broker")
        case .read: process(&buffer, connection: index, now: now)
        }
        if carriesTail {
            if buffer.readableBytes == 0 {
                connections[index].input = ByteBuffer()
            } else {
                buffer.discardReadBytes()
                swap(&buffer, &connections[index].input)
            }
        } else {
            if buffer.readableBytes > 0 {
                var tail = ByteBuffer(capacity: buffer.readableBytes)
                tail.writeBuffer(buffer)
                connections[index].input = tail
            }
            swap(&buffer, &readBuffer)
        }
    }

    /// The broker closed a connection or it failed. Only an error while the run is still on.
    private mutating func lost(_ index: Int, because reason: String) {
        guard phase != .closing, connections[index].state != .closed else { return }
        let who: String
        switch connections[index].role {
        case .publisher(let publisher): who = "publisher \(publisher)"
        case .subscriber(let subscriber): who = "subscriber \(subscriber)"
        }
        fail("connection of \(who) lost: \(reason)")
    }

    // MARK: Writing

    mutating func markDirty(_ index: Int) {
        guard !connections[index].isDirty else { return }
        connections[index].isDirty = true
        dirty.append(index)
    }

    /// Writes everything pending for one connection; arms EPOLLOUT only when the kernel would not
    /// take it all.
    mutating func flush(_ index: Int) {
        connections[index].isDirty = false
        guard let socket = connections[index].socket else { return }
        let complete: Bool
        do {
            complete = try socket.flush(&connections[index].output)
        } catch {
            lost(index, because: "\(error)")
            return
        }
        if complete {
            connections[index].output.clear()
            if connections[index].writeArmed {
                connections[index].writeArmed = false
                try? poller.modify(socket, token: UInt64(index), interest: .readable)
            }
        } else if !connections[index].writeArmed {
            connections[index].writeArmed = true
            try? poller.modify(socket, token: UInt64(index), interest: [.readable, .writable])
        }
    }

    // MARK: Closing

    /// Sends DISCONNECT on every connection that got as far as CONNECT, then closes everything.
    mutating func closeAll() {
        guard phase != .closing else { return }
        phase = .closing
        for index in connections.indices {
            guard let socket = connections[index].socket else { continue }
            if connections[index].state != .connecting {
                Packet.disconnect.encode(into: &connections[index].output)
                _ = try? socket.flush(&connections[index].output)
                socket.shutdownOutput()
            }
            socket.close()
            connections[index].socket = nil
            connections[index].state = .closed
        }
        if let rateTimer {
            poller.unregister(rateTimer)
            rateTimer.close()
        }
        rateTimer = nil
        isStopped = true
    }
}

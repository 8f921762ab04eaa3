// Sockets: non-blocking connect, one large read per ready socket per pass with packets decoded in
// place, and output flushed once per pass with EPOLLOUT armed only after a write would block.

import MQTTCodec
import Reactor

extension ClientLoop {
    /// The epoll token of slot `index`'s current socket.
    func token(_ index: Int) -> UInt64 {
        UInt64(index) | UInt64(slots[index]!.epoch) << 32
    }

    /// Starts a connection attempt with the first address.
    mutating func openConnection(_ index: Int, now: Instant) {
        slots[index]!.addressIndex = 0
        connectToCurrentAddress(index, now: now)
    }

    /// Tries the current address; on failure the next one, and only the last failure reaches the session.
    private mutating func connectToCurrentAddress(_ index: Int, now: Instant) {
        let addresses = slots[index]!.addresses
        guard slots[index]!.addressIndex < addresses.count else {
            slots[index]!.session.transportClosed(.notConnected, now: now, actions: &actions)
            return
        }
        let address = addresses[slots[index]!.addressIndex]
        epochs &+= 1
        slots[index]!.epoch = epochs
        do {
            let (socket, connected) = try Socket.startConnect(to: address)
            socket.setNoDelay()
            slots[index]!.socket = socket
            slots[index]!.isConnecting = !connected
            try poller.register(socket, token: token(index), interest: slots[index]!.interest)
            if connected { slots[index]!.session.transportConnected(now: now, actions: &actions) }
        } catch {
            closeSocket(index, flushFirst: false)
            if tryNextAddress(index) {
                connectToCurrentAddress(index, now: now)
            } else {
                slots[index]!.session.transportClosed(.network(error), now: now, actions: &actions)
            }
        }
    }

    private mutating func tryNextAddress(_ index: Int) -> Bool {
        slots[index]!.addressIndex += 1
        return slots[index]!.addressIndex < slots[index]!.addresses.count
    }

    /// The socket became writable while connecting: the TCP handshake is over, one way or the other.
    mutating func finishConnect(_ index: Int, now: Instant) {
        do {
            try slots[index]!.socket!.finishConnect()
            slots[index]!.isConnecting = false
            try updateInterest(index)
            drive(index, now: now) { session, actions in session.transportConnected(now: now, actions: &actions) }
        } catch {
            closeSocket(index, flushFirst: false)
            if tryNextAddress(index) {
                connectToCurrentAddress(index, now: now)
                performPending(index, now: now)
            } else {
                drive(index, now: now) { session, actions in
                    session.transportClosed(.network(error), now: now, actions: &actions)
                }
            }
        }
    }

    /// Closes the current socket, if any; later events for it carry a stale epoch and are dropped.
    mutating func closeSocket(_ index: Int, flushFirst: Bool) {
        guard let socket = slots[index]!.socket else { return }
        if flushFirst && !slots[index]!.isConnecting {
            _ = try? socket.flush(&slots[index]!.output)
        }
        socket.close()
        slots[index]!.socket = nil
        slots[index]!.isConnecting = false
        slots[index]!.writeArmed = false
        slots[index]!.input.clear()
        slots[index]!.output.clear()
        epochs &+= 1
        slots[index]!.epoch = epochs
    }

    /// Tells epoll what the connection now waits for (`ClientSlot.interest`).
    mutating func updateInterest(_ index: Int) throws(SystemError) {
        guard let socket = slots[index]!.socket else { return }
        try poller.modify(socket, token: token(index), interest: slots[index]!.interest)
    }

    /// One read of up to `readChunk` bytes, then every whole packet in the buffer.
    mutating func read(_ index: Int, now: Instant) {
        guard let socket = slots[index]!.socket else { return }
        let outcome: ReadOutcome
        do {
            outcome = try socket.read(into: &slots[index]!.input, maximum: Self.readChunk)
        } catch {
            lose(index, .network(error), now: now)
            return
        }
        switch outcome {
        case .wouldBlock: return
        case .endOfFile: lose(index, .closedByBroker, now: now)
        case .read:
            // Held acknowledgements leave nothing to carry the TCP ACK soon; a broker that does not
            // set TCP_NODELAY (stock Mosquitto) then holds its next small packet, the PUBACK our
            // handler waits for, until our delayed ACK fires: up to 40 ms per message.
            if slots[index]!.options.acknowledgement == .afterHandling { socket.requestQuickAck() }
            decodeInput(index, now: now)
        }
    }

    private mutating func decodeInput(_ index: Int, now: Instant) {
        let epoch = slots[index]!.epoch
        while slots[index]?.epoch == epoch {
            let packet: Packet?
            do {
                packet = try decoder.decode(from: &slots[index]!.input)
            } catch {
                drive(index, now: now) { session, actions in session.decodeFailed(error, now: now, actions: &actions) }
                return
            }
            guard let packet else { break }
            slots[index]!.options.trace?(.received(packet))
            drive(index, now: now) { session, actions in session.received(packet, now: now, actions: &actions) }
        }
        guard slots[index]?.epoch == epoch else { return }
        if slots[index]!.input.readableBytes == 0 {
            slots[index]!.input.clear()
        } else if slots[index]!.input.readerIndex > slots[index]!.input.capacity / 2 {
            slots[index]!.input.discardReadBytes()
        }
    }

    /// Writes pending output; arms EPOLLOUT only while the kernel would block.
    mutating func flush(_ index: Int, now: Instant) {
        guard let socket = slots[index]!.socket, !slots[index]!.isConnecting else { return }
        let done: Bool
        do {
            done = try socket.flush(&slots[index]!.output)
        } catch {
            lose(index, .network(error), now: now)
            return
        }
        if done { slots[index]!.output.clear() }
        guard done == slots[index]!.writeArmed else { return }
        slots[index]!.writeArmed = !done
        do { try updateInterest(index) } catch { lose(index, .network(error), now: now) }
    }

    /// The socket failed or the broker closed it.
    private mutating func lose(_ index: Int, _ error: ClientError, now: Instant) {
        closeSocket(index, flushFirst: false)
        drive(index, now: now) { session, actions in session.transportClosed(error, now: now, actions: &actions) }
    }
}

// API commands, one function per kind, each ending in an event for the client's session.

import MQTTCodec
import Reactor

extension ClientLoop {
    /// Runs one command posted by the API.
    mutating func handle(_ command: ClientCommand, now: Instant) {
        switch command {
        case .open(let handle, let session, let options):
            open(handle, session: session, options: options)
        case .connect(let handle, let addresses, let waiter):
            guard let index = slot(handle, orFail: waiter) else { return }
            slots[index]!.addresses = addresses
            let request = slots[index]!.register(waiter)
            drive(index, now: now) { session, actions in session.connect(request: request, now: now, actions: &actions)
            }
        case .publish(let handle, let messages, let waiter):
            guard let index = slot(handle, orFail: waiter) else { return }
            publish(index, messages, waiter: waiter, now: now)
        case .subscribe(let handle, let stream, let waiter):
            subscribe(handle, stream: stream, waiter: waiter, now: now)
        case .unsubscribe(let handle, let filters, let waiter):
            guard let index = slot(handle, orFail: waiter) else { return }
            let request = slots[index]!.register(waiter)
            drive(index, now: now) { session, actions in
                session.unsubscribe(filters, request: request, now: now, actions: &actions)
            }
        case .streamEnded(let handle, let stream):
            guard let index = handles[handle] else { return }
            streamEnded(index, stream: stream, now: now)
        case .resumeReading(let handle):
            guard let index = handles[handle] else { return }
            resumeReadingIfDrained(index, now: now)
        case .messageHandled(let handle, let stream, let ticket):
            guard let index = handles[handle] else { return }
            messageHandled(index, stream: stream, ticket: ticket, now: now)
        case .disconnect(let handle, let waiter):
            guard let index = slot(handle, orFail: waiter) else { return }
            let request = slots[index]!.register(waiter)
            drive(index, now: now) { session, actions in
                session.disconnect(request: request, now: now, actions: &actions)
            }
        case .close(let handle):
            guard let index = handles[handle] else { return }
            close(index, now: now)
        case .stop:
            for index in slots.indices where slots[index] != nil { close(index, now: now) }
            isStopped = true
        }
    }

    private mutating func open(_ handle: UInt64, session: ClientSession, options: ClientOptions) {
        epochs &+= 1
        let slot = ClientSlot(handle: handle, epoch: epochs, session: session, options: options)
        let index: Int
        if let free = freeSlots.popLast() {
            index = free
            slots[index] = slot
        } else {
            index = slots.count
            slots.append(slot)
        }
        handles[handle] = index
    }

    private mutating func publish(_ index: Int, _ messages: [OutgoingMessage], waiter: Waiter, now: Instant) {
        guard !messages.isEmpty else {
            waiter.resume(returning: .success(.published))
            return
        }
        let request = slots[index]!.register(waiter)
        if messages.count > 1 { slots[index]!.batches[request.rawValue] = PublishBatch(remaining: messages.count) }
        drive(index, now: now) { session, actions in
            for message in messages {
                session.publish(
                    topic: message.topic, payload: message.payload, qos: message.qos, retain: message.retain,
                    request: request, now: now, actions: &actions)
            }
        }
    }

    private func slot(_ handle: UInt64, orFail waiter: Waiter) -> Int? {
        guard let index = handles[handle] else {
            waiter.resume(returning: .failure(.disconnected))
            return nil
        }
        return index
    }

    private mutating func subscribe(_ handle: UInt64, stream: StreamRegistration, waiter: Waiter?, now: Instant) {
        guard let index = handles[handle] else {
            stream.queue.finish(.disconnected)
            waiter?.resume(returning: .failure(.disconnected))
            return
        }
        slots[index]!.streams.append(
            StreamSlot(
                id: stream.id, filters: stream.requests.map(\.filter), queue: stream.queue, token: stream.token,
                acknowledgementWaiter: waiter))
        let request = slots[index]!.register(nil)
        slots[index]!.streamRequests[request.rawValue] = stream.id
        drive(index, now: now) { session, actions in
            session.subscribe(stream.requests, request: request, now: now, actions: &actions)
        }
    }

    /// The `Client` is gone: disconnect if needed, then free the slot.
    private mutating func close(_ index: Int, now: Instant) {
        if slots[index]!.session.nextDeadline != nil || slots[index]!.socket != nil {
            let request = slots[index]!.register(nil)
            drive(index, now: now) { session, actions in
                session.disconnect(request: request, now: now, actions: &actions)
            }
        }
        release(index, .disconnected)
    }

    /// Frees a slot: every caller still waiting fails with `error`, every stream ends.
    mutating func release(_ index: Int, _ error: ClientError) {
        guard var slot = slots[index] else { return }
        slots[index] = nil
        freeSlots.append(index)
        handles[slot.handle] = nil
        slot.socket?.close()
        slot.socket = nil
        for stream in slot.streams {
            stream.queue.finish(error)
            stream.acknowledgementWaiter?.resume(returning: .failure(error))
        }
        for waiter in slot.waiters.values { waiter.resume(returning: .failure(error)) }
    }
}

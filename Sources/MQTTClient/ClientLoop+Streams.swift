// Feeding subscription streams: messages are matched to streams as they are decoded, handed to each
// stream's queue once per pass, and reading stops while any queue is at its high-water mark.

import MQTTCodec
import Reactor

extension ClientLoop {
    /// Queues `message` for every stream whose filters match its topic, for the end of the pass;
    /// returns how many matched.
    @discardableResult
    mutating func deliver(_ message: ReceivedMessage, index: Int) -> Int {
        var matched = 0
        for position in slots[index]!.streams.indices where slots[index]!.streams[position].matches(message.topic) {
            slots[index]!.streams[position].pending.append(message)
            if let ticket = message.handlingTicket { slots[index]!.streams[position].handling.insert(ticket) }
            matched += 1
        }
        if matched == 0 { slots[index]!.options.trace?(.unmatched(message)) }
        return matched
    }

    /// A stream's consumer moved past the message of `ticket`: it may be acknowledged.
    mutating func messageHandled(_ index: Int, stream id: UInt64, ticket: HandlingTicket, now: Instant) {
        guard let position = slots[index]!.streams.firstIndex(where: { $0.id == id }),
            slots[index]!.streams[position].handling.remove(ticket) != nil
        else { return }
        drive(index, now: now) { session, actions in
            session.messageFinished(ticket, handled: true, now: now, actions: &actions)
        }
    }

    /// A stream stopped with messages its consumer had not finished: they are not acknowledged
    /// (`handled` false), or it never was a real consumer and does not hold them back (true).
    /// Called while performing actions or followed by `performPending`.
    private mutating func finishHandling(_ index: Int, of stream: StreamSlot, handled: Bool, now: Instant) {
        for ticket in stream.handling.sorted(by: { $0.rawValue < $1.rawValue }) {
            slots[index]!.session.messageFinished(ticket, handled: handled, now: now, actions: &actions)
        }
    }

    /// Hands each stream the messages of this pass; pauses reading if one of them is full.
    mutating func feedStreams(_ index: Int, now: Instant) {
        var mustPause = false
        for position in slots[index]!.streams.indices where !slots[index]!.streams[position].pending.isEmpty {
            let batch = slots[index]!.streams[position].pending
            slots[index]!.streams[position].pending.removeAll(keepingCapacity: true)
            if slots[index]!.streams[position].queue.append(batch) { mustPause = true }
        }
        guard mustPause, !slots[index]!.session.readingPaused else { return }
        slots[index]!.session.readingPaused(now: now)
        do { try updateInterest(index) } catch { closeSocket(index, flushFirst: false) }
    }

    /// A consumer took its batch: read again once no stream holds the producer back.
    mutating func resumeReadingIfDrained(_ index: Int, now: Instant) {
        guard slots[index]!.session.readingPaused else { return }
        guard !slots[index]!.streams.contains(where: { $0.queue.isHoldingProducer }) else { return }
        slots[index]!.session.readingResumed(now: now)
        touch(index)
        do { try updateInterest(index) } catch { closeSocket(index, flushFirst: false) }
    }

    /// The SUBSCRIBE of a stream was answered (or failed).
    mutating func streamAcknowledged(
        _ index: Int, stream id: UInt64, _ result: Result<Completion, ClientError>, now: Instant
    ) {
        guard let position = slots[index]!.streams.firstIndex(where: { $0.id == id }) else { return }
        var outcome = result
        if case .success(.subscribed(let codes)) = result {
            slots[index]!.streams[position].token?.returnCodes = codes
            if !codes.contains(where: { $0 != .failure }) {
                outcome = .failure(.subscriptionRefused(slots[index]!.streams[position].filters))
            }
        }
        let waiter = slots[index]!.streams[position].acknowledgementWaiter
        slots[index]!.streams[position].acknowledgementWaiter = nil
        if case .failure(let error) = outcome {
            let refused = slots[index]!.streams.remove(at: position)
            refused.queue.finish(error)
            // Never a consumer: what it was given before the SUBACK waits only for the others.
            finishHandling(index, of: refused, handled: true, now: now)
        }
        waiter?.resume(returning: outcome)
    }

    /// The consumer of a stream stopped: unsubscribe from the filters no other stream uses.
    mutating func streamEnded(_ index: Int, stream id: UInt64, now: Instant) {
        guard let position = slots[index]!.streams.firstIndex(where: { $0.id == id }) else { return }
        let ended = slots[index]!.streams.remove(at: position)
        ended.queue.finish(nil)
        ended.acknowledgementWaiter?.resume(returning: .failure(.disconnected))
        finishHandling(index, of: ended, handled: false, now: now)
        performPending(index, now: now)
        let stillUsed = Set(slots[index]!.streams.flatMap(\.filters))
        let unused = ended.filters.filter { !stillUsed.contains($0) }
        if !unused.isEmpty {
            drive(index, now: now) { session, actions in
                session.unsubscribe(unused, request: nil, now: now, actions: &actions)
            }
        }
        resumeReadingIfDrained(index, now: now)
    }

    /// Ends the streams `which` selects, with `error` (nil: normally). Called while performing
    /// actions, so what the session answers is performed by the caller's loop.
    mutating func endStreams(_ index: Int, error: ClientError?, now: Instant, which: (StreamSlot) -> Bool) {
        var kept: [StreamSlot] = []
        for stream in slots[index]!.streams {
            guard which(stream) else {
                kept.append(stream)
                continue
            }
            stream.queue.finish(error)
            stream.acknowledgementWaiter?.resume(returning: .failure(error ?? .disconnected))
            finishHandling(index, of: stream, handled: false, now: now)
        }
        slots[index]!.streams = kept
    }
}

// Performing a session's actions on the loop.

import MQTTCodec
import Reactor

extension ClientLoop {
    /// Performs one session action for the client in slot `index`.
    mutating func perform(_ action: ClientAction, index: Int, now: Instant) {
        switch action {
        case .openConnection:
            openConnection(index, now: now)
        case .send(let packet):
            slots[index]!.options.trace?(.sent(packet))
            packet.encode(into: &slots[index]!.output)
        case .closeConnection:
            closeSocket(index, flushFirst: true)
        case .deliver(let publish):
            deliver(ReceivedMessage(publish), index: index)
        case .deliverForHandling(let publish, let ticket):
            var message = ReceivedMessage(publish)
            message.handlingTicket = ticket
            let consumers = deliver(message, index: index)
            slots[index]!.session.messageDelivered(ticket, consumers: consumers, now: now, actions: &actions)
        case .complete(let request, let completion):
            resolve(index, request, .success(completion), now: now)
        case .fail(let request, let error):
            resolve(index, request, .failure(error), now: now)
        case .store(let message):
            guard let store = slots[index]!.options.store else { return }
            do { try store.save(message) } catch { storeFailed(index, error, now: now) }
        case .forget(let packetID):
            guard let store = slots[index]!.options.store else { return }
            do { try store.remove(packetID) } catch { storeFailed(index, error, now: now) }
        case .resubscribeRefused(let filters):
            endStreams(index, error: .subscriptionRefused(filters), now: now) { stream in
                stream.filters.contains { filters.contains($0) }
            }
        case .connectionLost(let error, _):
            closeSocket(index, flushFirst: false)
            slots[index]!.options.trace?(.connectionLost(error, reconnecting: true))
        case .ended(let error):
            closeSocket(index, flushFirst: false)
            if let error { slots[index]!.options.trace?(.connectionLost(error, reconnecting: false)) }
            endStreams(index, error: error, now: now) { _ in true }
        }
    }

    private mutating func storeFailed(_ index: Int, _ error: ClientError, now: Instant) {
        slots[index]!.session.abort(error, now: now, actions: &actions)
    }
}

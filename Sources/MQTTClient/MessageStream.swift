import MQTTCodec

/// The messages of one subscription, as an `AsyncSequence` for a single consumer.
///
/// It ends normally after `Client.disconnect()`, and with an error when the connection is lost for
/// good (reconnect off or given up) or the broker refuses the subscription. When the consumer stops
/// (the stream and its iterator are released, or the consuming task is cancelled) the client
/// unsubscribes from the filters no other stream still uses.
public struct MessageStream: AsyncSequence, Sendable {
    public typealias Element = ReceivedMessage
    public typealias Failure = ClientError

    let queue: MessageQueue
    let token: StreamToken
    /// The filters this stream receives.
    public let filters: [TopicFilter]

    /// The broker's answer to the SUBSCRIBE, once it arrived [MQTT-3.8.4-5].
    public var returnCodes: [SubAckReturnCode]? { token.returnCodes }

    public func makeAsyncIterator() -> Iterator {
        Iterator(queue: queue, token: token)
    }

    /// Reads batches from the queue and hands them out one message at a time.
    public struct Iterator: AsyncIteratorProtocol {
        let queue: MessageQueue
        let token: StreamToken
        var batch: [ReceivedMessage] = []
        var position = 0
        var finished = false
        /// The message last handed out, if its acknowledgement waits for the consumer to move on.
        var unfinished: HandlingTicket?

        public mutating func next(isolation actor: isolated (any Actor)? = #isolation) async throws(ClientError)
            -> ReceivedMessage?
        {
            // Asking for the next message means the consumer is done with the last one.
            if let ticket = unfinished {
                unfinished = nil
                queue.handled(ticket)
            }
            while !finished {
                if position < batch.count {
                    defer { position += 1 }
                    unfinished = batch[position].handlingTicket
                    return batch[position]
                }
                switch await queue.take() {
                case .messages(let messages):
                    batch = messages
                    position = 0
                case .finished(let error):
                    finished = true
                    batch = []
                    if let error { throw error }
                }
            }
            return nil
        }

        public mutating func next() async throws(ClientError) -> ReceivedMessage? {
            try await next(isolation: nil)
        }
    }
}

import MQTTCodec
import Reactor

/// Names a caller waiting for the outcome of an operation; chosen by whoever drives the session.
public struct RequestID: Hashable, Sendable {
    public let rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
}

/// How an operation succeeded.
public enum Completion: Sendable, Hashable {
    case connected(sessionPresent: Bool)
    /// QoS 0: handed to the connection; QoS 1: PUBACK; QoS 2: PUBCOMP.
    case published
    /// One return code per requested filter, in order [MQTT-3.8.4-5].
    case subscribed([SubAckReturnCode])
    case unsubscribed
    case disconnected
}

/// What a `ClientSession` asks its driver to do, in order.
public enum ClientAction: Sendable, Hashable {
    /// Open a TCP connection; report `transportConnected` or `transportClosed`.
    case openConnection
    /// Queue the packet for writing; output is flushed once per loop pass.
    case send(Packet)
    /// Flush queued output, then close the connection; nothing is reported back.
    case closeConnection
    /// Hand an application message to the subscriptions whose filters match its topic.
    case deliver(Publish)
    /// As `deliver`, for a message whose acknowledgement waits until it is handled
    /// (`InboundAcknowledgement.afterHandling`): report how many consumers got it with
    /// `messageDelivered`, and each one's end with `messageFinished`.
    case deliverForHandling(Publish, HandlingTicket)
    case complete(RequestID, Completion)
    case fail(RequestID, ClientError)
    /// Keep this unacknowledged message across a restart of the process.
    case store(StoredPublish)
    /// The message with this identifier is acknowledged: drop it from the store.
    case forget(PacketID)
    /// Subscriptions restored after a reconnect that the broker refused.
    case resubscribeRefused([TopicFilter])
    /// The connection was lost; `reconnectAt` says when the next attempt starts.
    case connectionLost(ClientError, reconnectAt: Instant)
    /// The session is over and nothing will reconnect it: nil after `disconnect`, else why.
    case ended(ClientError?)
}

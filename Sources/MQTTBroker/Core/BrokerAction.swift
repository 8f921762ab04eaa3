import MQTTCodec

/// What the sans-I/O core asks its loop to do. The loop performs actions in order.
public enum BrokerAction: Sendable {
    /// Encode and queue a control packet for the connection. Boxed: `Packet` is 128 bytes, and
    /// inline it made every action that size, moved by `memcpy` on the per-message path; the
    /// per-message packets are the cases below.
    indirect case send(ConnectionID, Packet)
    /// Queue a PUBACK, PUBREC, PUBREL or PUBCOMP: the per-message answers, written without a `Packet`.
    case acknowledge(ConnectionID, PublishAcknowledgement)
    /// Queue a PUBLISH of a stored message with these delivery flags.
    case deliver(ConnectionID, Message, qos: QoS, packetID: PacketID?, retain: Bool, dup: Bool)
    /// Flush what is queued for the connection, then close it.
    case close(ConnectionID, CloseReason)
    /// Hand a published message to another shard for its subscribers.
    case forward(Message, shard: Int)
    /// Hand one shared-subscription delivery to another shard.
    case forwardShared(Message, SharedDelivery)
    case log(LogType, String)
}

import MQTTCodec
import Reactor

/// Work one loop hands to another through its mailbox.
enum LoopJob: Sendable {
    /// A connection whose CONNECT names a client id homed on the receiving loop. `leftover` holds
    /// bytes that arrived after the CONNECT. Boxed, so that the per-message jobs below stay small
    /// to move (a `Connect` inline made every job over 100 bytes).
    indirect case adopt(Socket, peer: String, listener: Int, connect: Connect, leftover: ByteBuffer)
    /// A published message for the receiving loop's subscribers.
    case forward(Message)
    /// One shared-subscription delivery for a session of the receiving loop.
    case forwardShared(Message, SharedDelivery)
    /// Stop: take no more input, let what other loops already forwarded arrive, then close every
    /// connection.
    case stop
    /// The sending loop takes no more input: nothing it forwards comes after this (a mailbox keeps
    /// each poster's order).
    case drained
}

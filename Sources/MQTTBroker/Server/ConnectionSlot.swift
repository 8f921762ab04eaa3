import MQTTCodec
import Reactor

/// The I/O state of one connection, in a loop-owned slab. The MQTT state lives in the shard.
struct ConnectionSlot {
    var generation: UInt32 = 0
    var socket: Socket?
    /// Index of the listener that accepted the connection (its max_connections place).
    var listener = 0
    /// A partial packet carried over from the last read; empty (and unallocated) most of the time.
    var input = ByteBuffer(capacity: 0)
    /// Encoded packets not yet written.
    var output = ByteBuffer(capacity: 0)
    /// Whether EPOLLOUT is armed (only after a write returned EAGAIN).
    var writeArmed = false
    /// Whether the connection is in this pass's flush list.
    var isDirty = false
    /// Set once the first packet was handled: only that one may be handed to another loop.
    var sawFirstPacket = false
    /// Close once the output is flushed.
    var closeAfterFlush = false
    /// Set while QoS 0 messages are being dropped for a full output, so the drop is logged once per
    /// episode rather than per message.
    var isDropping = false
}

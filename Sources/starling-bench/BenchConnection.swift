import MQTTCodec
import Reactor

/// One client connection of the generator, in a slab indexed by its position (which is also its
/// poller token: connections are never reused within a run).
struct BenchConnection {
    enum Role {
        case publisher(Int)
        case subscriber(Int)
    }

    enum State {
        case idle
        /// TCP connect in progress.
        case connecting
        /// CONNECT (and for subscribers SUBSCRIBE) written.
        case awaitingConnAck
        case awaitingSubAck
        case ready
        case closed
    }

    let role: Role
    var socket: Socket?
    var state = State.idle
    /// A partial packet carried over to the next read.
    var input = ByteBuffer()
    /// Bytes waiting to be written, flushed once per pass.
    var output = ByteBuffer()
    /// EPOLLOUT is armed because the kernel did not take everything; publishers add nothing more
    /// until it drains.
    var writeArmed = false
    var isDirty = false

    init(role: Role) {
        self.role = role
    }
}

/// One PUBLISHing connection's counters and QoS 1/2 state.
struct PublisherState {
    let connection: Int
    let template: PublishTemplate
    let packetIDs: PacketIDTable
    /// Messages published; also the next sequence number.
    var sent: UInt64 = 0
    /// Shared groups only: unique deliveries of this publisher's messages (each member sees only
    /// some numbers, so the window counts deliveries there rather than sequence positions).
    var uniqueDelivered: UInt64 = 0
    /// QoS 1/2 PUBLISHes not yet completed by PUBACK or PUBCOMP.
    var inFlight = 0
    var nextPacketID: UInt16 = 1
}

/// The state of every packet identifier of one publisher, one byte each.
final class PacketIDTable {
    enum Stage: UInt8 {
        case free = 0
        /// PUBLISH sent, PUBACK (QoS 1) or PUBREC (QoS 2) awaited.
        case published = 1
        /// PUBREL sent, PUBCOMP awaited.
        case released = 2
    }

    private let stages: UnsafeMutablePointer<UInt8>

    init() {
        stages = .allocate(capacity: 65_536)
        stages.initialize(repeating: 0, count: 65_536)
    }

    deinit { stages.deallocate() }

    @inline(__always)
    subscript(id: UInt16) -> Stage {
        get { Stage(rawValue: stages[Int(id)]) ?? .free }
        set { stages[Int(id)] = newValue.rawValue }
    }
}

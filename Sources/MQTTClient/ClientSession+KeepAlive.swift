// Keep alive (section 3.1.2.10): the client sends PINGREQ when it has sent nothing for the keep alive
// interval [MQTT-3.1.2-23], or heard nothing for as long, and gives the connection up when it has
// heard nothing for 1.5 times the interval, the rule the server applies to the client [MQTT-3.1.2-24].
// While the application is not consuming messages the client stops reading, so silence then proves
// nothing: the timeout is suspended and restarts when reading resumes.

import MQTTCodec
import Reactor

extension ClientSession {
    /// The keep alive as a duration; nil when it is off.
    var keepAliveInterval: Duration? {
        connectPacket.keepAlive == 0 ? nil : .seconds(Int(connectPacket.keepAlive))
    }

    /// The earliest of: the next PINGREQ, the receive timeout.
    var keepAliveDeadline: Instant? {
        guard let interval = keepAliveInterval else { return nil }
        var deadline: Instant? = readingPaused ? nil : lastReceived + interval * 1.5
        if !pingOutstanding {
            let ping = min(lastSent, lastReceived) + interval
            deadline = deadline.map { min($0, ping) } ?? ping
        }
        return deadline
    }

    /// Gives the connection up after 1.5 intervals of silence, else pings when one is due.
    mutating func checkKeepAlive(now: Instant, actions: inout [ClientAction]) {
        guard let interval = keepAliveInterval else { return }
        if !readingPaused && now >= lastReceived + interval * 1.5 {
            violation(.keepAliveTimedOut, now: now, actions: &actions)
            return
        }
        if !pingOutstanding && now >= min(lastSent, lastReceived) + interval {
            pingOutstanding = true
            send(.pingReq, now: now, actions: &actions)  // [MQTT-3.1.2-23]
        }
    }

    /// The driver stopped reading from the socket (a consumer is behind).
    public mutating func readingPaused(now: Instant) {
        readingPaused = true
    }

    /// The driver reads again; silence is measured from now.
    public mutating func readingResumed(now: Instant) {
        readingPaused = false
        lastReceived = now
    }
}

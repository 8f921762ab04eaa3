// `AwaitingRelease` on its own: one message per packet identifier until PUBREL, in the short array
// and past it.

import MQTTCodec
import Testing

@testable import MQTTBroker

@Suite struct AwaitingReleaseTests {
    @Test("a resent PUBLISH keeps the first message; PUBREL releases it once")
    func resentPublish() {
        var awaiting = AwaitingRelease()
        awaiting.keep(message("t", "first", qos: .exactlyOnce), for: 7)
        awaiting.keep(message("t", "resent", qos: .exactlyOnce), for: 7)
        #expect(awaiting.count == 1)
        #expect(awaiting.release(7)?.payload.readableString == "first")
        #expect(awaiting.release(7) == nil)
        #expect(awaiting.count == 0)
    }

    @Test("past the scanned array: every identifier kept once and released in any order")
    func manyOpen() {
        var awaiting = AwaitingRelease()
        let total = AwaitingRelease.scannedCount * 2 + 3
        for id in 1...total { awaiting.keep(message("t", "m\(id)", qos: .exactlyOnce), for: PacketID(rawValue: UInt16(id))!) }
        for id in 1...total { awaiting.keep(message("t", "again", qos: .exactlyOnce), for: PacketID(rawValue: UInt16(id))!) }
        #expect(awaiting.count == total)
        let order = (1...total).filter { $0 % 2 == 0 } + (1...total).filter { $0 % 2 == 1 }.reversed()
        for id in order {
            #expect(awaiting.release(PacketID(rawValue: UInt16(id))!)?.payload.readableString == "m\(id)")
        }
        #expect(awaiting.count == 0)
    }
}

// starling-core-bench: the broker core alone, with no sockets and no threads. One publish fanned
// out to S subscribers: how many encoded frames the deliveries reference (the PUBLISH is encoded
// once, not once per subscriber or per QoS), and the time per delivery of routing it and copying
// the frame into each subscriber's output buffer as the loop does.
//
//   starling-core-bench [--subscribers S] [--publishes N]

import MQTTBroker
import MQTTCodec
import Glibc
import Reactor

let arguments = Array(CommandLine.arguments.dropFirst())
var subscriberCount = 100
var publishCount = 100_000
var position = 0
while position < arguments.count {
    let flag = arguments[position]
    guard position + 1 < arguments.count, let value = Int(arguments[position + 1]), value > 0,
        flag == "--subscribers" || flag == "--publishes"
    else {
        print("usage: starling-core-bench [--subscribers S] [--publishes N]   (S, N > 0)")
        exit(2)
    }
    if flag == "--subscribers" { subscriberCount = value } else { publishCount = value }
    position += 2
}

let mixed = CoreFanOut(subscribers: subscriberCount, qosOf: { QoS(rawValue: UInt8($0 % 3))! })
let frames = mixed.framesPerPublish(publishes: 10)
print(
    "fan-out 1 -> \(subscriberCount), subscriptions at QoS 0/1/2 in turn, QoS 2 publishes: "
        + "\(frames.deliveries) deliveries per publish at QoS \(frames.qosLevels), "
        + "\(frames.frames) encoded frame(s) per publish")

for subscribers in [1, subscriberCount] {
    let run = CoreFanOut(subscribers: subscribers, qosOf: { _ in .atMostOnce })
    let timing = run.timeQoS0(publishes: subscribers == 1 ? publishCount * 10 : publishCount)
    print(
        "fan-out 1 -> \(subscribers), QoS 0, 64-byte payload: \(timing.deliveries) deliveries in "
            + "\(formatted(timing.seconds)) s: \(formatted(timing.nanosecondsPerDelivery)) ns per delivery, "
            + "\(formatted(timing.nanosecondsPerPublish)) ns per publish, \(timing.frames) encoded frame(s) per publish")
}

func formatted(_ value: Double) -> String {
    let scaled = (value * 100).rounded() / 100
    return "\(scaled)"
}

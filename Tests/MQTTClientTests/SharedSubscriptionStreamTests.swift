// A shared subscription's messages carry the topic of its inner filter: the stream registered for
// `$share/<group>/<filter>` must receive them.

import MQTTCodec
import Testing

@testable import MQTTClient

@Test(arguments: [
    ("$share/packaging/shop/orders/+/accepted", "shop/orders/+/accepted"),
    ("$share/g/#", "#"),
    ("$share/g/a/b", "a/b"),
    ("$share//a", "$share//a"),
    ("a/+/b", "a/+/b"),
    ("$SYS/broker/#", "$SYS/broker/#"),
])
func aSharedFilterDeliversOnItsInnerFilter(filter: String, delivery: String) throws {
    #expect(StreamSlot.deliveryFilter(try TopicFilter(filter)) == (try TopicFilter(delivery)))
}

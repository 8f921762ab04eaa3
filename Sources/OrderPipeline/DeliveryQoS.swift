/// The MQTT quality of service the agents publish and subscribe with (`--qos`, `SHOP_QOS`).
/// The client library has its own type; the runner maps this one onto it.
public enum DeliveryQoS: Int, Sendable, Hashable, CaseIterable {
    case atMostOnce = 0
    case atLeastOnce = 1
    case exactlyOnce = 2
}

import Foundation
import OrderPipeline

// One example of each message of the shop. docs/agents.md shows the same examples, and
// `DocumentationExampleTests` checks that it does.

/// Test-only: an id from a literal known to be valid.
func orderID(_ text: String) -> OrderID { try! OrderID(text) }
/// Test-only: an id from a literal known to be valid.
func customerID(_ text: String) -> CustomerID { try! CustomerID(text) }

/// 2025-03-01T09:30:00Z plus `milliseconds`.
func time(_ milliseconds: Int) -> Date {
    ShopJSON.date(millisecondsSince1970: 1_740_821_400_000 + Int64(milliseconds))
}

enum Examples {
    static let order = Order(
        orderID: orderID("10202"), customerID: customerID("c-7"), item: "Drawing Book", quantity: 1,
        placedAt: time(0))
    static let placed = OrderEvent.placed(order)
    static let accepted = placed.advanced(to: .accepted, at: time(120))
    static let packaged = accepted.advanced(to: .packaged, at: time(250))
    static let trackingNumber = TrackingNumberGenerator().number(for: order.orderID)
    static let shipped = packaged.advanced(to: .shipped(trackingNumber: trackingNumber), at: time(400))
    static let delivered = shipped.advanced(to: .delivered(trackingNumber: trackingNumber), at: time(400))
    static let deliveredNotification = CustomerNotification.delivered(
        order, trackingNumber: trackingNumber, at: time(410))

    static let teapot = Order(
        orderID: orderID("10203"), customerID: customerID("c-7"), item: "Teapot", quantity: 2, placedAt: time(60_000))
    static let rejected = OrderEvent.placed(teapot).advanced(
        to: .rejected(reason: "unknown item \"Teapot\""), at: time(60_050))
    static let rejectedNotification = CustomerNotification.rejected(
        teapot.orderID, customerID: teapot.customerID, reason: "unknown item \"Teapot\"", at: time(60_050))
    static let duplicateNotification = CustomerNotification.rejected(
        order.orderID, customerID: customerID("c-9"), reason: "duplicate", at: time(90_000))

    static let deadLetter = DeadLetter(
        role: .order, topic: "shop/orders/10204/placed", payload: Array(#"{"orderId":"10204","#.utf8),
        reason: "not valid JSON", receivedAt: time(120_000))
}

/// A fixed-seed generator (SplitMix64), so random tests repeat.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

extension Array where Element == Outgoing {
    var published: [OutgoingMessage] {
        compactMap { if case .publish(let message) = $0 { message } else { nil } }
    }

    var deadLetters: [DeadLetter] {
        compactMap { if case .deadLetter(let letter) = $0 { letter } else { nil } }
    }

    var reports: [String] {
        compactMap { if case .report(let line) = $0 { line } else { nil } }
    }
}

extension OutgoingMessage {
    var text: String { String(decoding: payload, as: UTF8.self) }

    func event() throws -> OrderEvent { try ShopJSON.decode(OrderEvent.self, from: payload) }

    func notification() throws -> CustomerNotification {
        try ShopJSON.decode(CustomerNotification.self, from: payload)
    }
}

/// The bytes of a string, as a payload.
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// The repository's root, for tests that read its files.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// A payload as text.
func text(_ payload: [UInt8]) -> String { String(decoding: payload, as: UTF8.self) }

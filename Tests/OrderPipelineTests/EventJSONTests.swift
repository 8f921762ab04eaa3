import Foundation
import OrderPipeline
import Testing

// Each example in its exact JSON: sorted keys, ISO-8601 dates to the millisecond, and the
// round trip back to an equal value.

private let placedJSON =
    #"{"customerId":"c-7","item":"Drawing Book","orderId":"10202","placedAt":"2025-03-01T09:30:00Z","quantity":1,"#
    + #""stage":"placed","timestamp":"2025-03-01T09:30:00Z","trail":[{"at":"2025-03-01T09:30:00Z","stage":"placed"}]}"#

private let orderFields =
    #"{"customerId":"c-7","item":"Drawing Book","orderId":"10202","placedAt":"2025-03-01T09:30:00Z","quantity":1,"#
private let placedStamp = #"{"at":"2025-03-01T09:30:00Z","stage":"placed"}"#
private let acceptedStamp = #"{"at":"2025-03-01T09:30:00.120Z","stage":"accepted"}"#
private let packagedStamp = #"{"at":"2025-03-01T09:30:00.250Z","stage":"packaged"}"#
private let shippedStamp = #"{"at":"2025-03-01T09:30:00.400Z","stage":"shipped"}"#
private let deliveredStamp = #"{"at":"2025-03-01T09:30:00.400Z","stage":"delivered"}"#
private let tracking = "SLG-J7SPNFBRQS8R"

/// An example value, its expected JSON, and how to encode it and compare a decoded copy with it.
struct JSONExample: Sendable, CustomTestStringConvertible {
    let name: String
    let json: String
    let encoded: @Sendable () -> [UInt8]
    let decodesBack: @Sendable ([UInt8]) throws -> Bool

    var testDescription: String { name }
}

/// Every example, by name; docs/agents.md shows each one.
let jsonExamples: [JSONExample] = [
    event("placed", Examples.placed, placedJSON),
    event(
        "accepted", Examples.accepted,
        orderFields + #""stage":"accepted","timestamp":"2025-03-01T09:30:00.120Z","trail":["# + placedStamp + ","
            + acceptedStamp + "]}"),
    event(
        "rejected", Examples.rejected,
        #"{"customerId":"c-7","item":"Teapot","orderId":"10203","placedAt":"2025-03-01T09:31:00Z","quantity":2,"#
            + #""reason":"unknown item \"Teapot\"","stage":"rejected","timestamp":"2025-03-01T09:31:00.050Z","#
            + #""trail":[{"at":"2025-03-01T09:31:00Z","stage":"placed"},"#
            + #"{"at":"2025-03-01T09:31:00.050Z","stage":"rejected"}]}"#),
    event(
        "packaged", Examples.packaged,
        orderFields + #""stage":"packaged","timestamp":"2025-03-01T09:30:00.250Z","trail":["# + placedStamp + ","
            + acceptedStamp + "," + packagedStamp + "]}"),
    event(
        "shipped", Examples.shipped,
        orderFields + #""stage":"shipped","timestamp":"2025-03-01T09:30:00.400Z","trackingNumber":""# + tracking
            + #"","trail":["# + placedStamp + "," + acceptedStamp + "," + packagedStamp + "," + shippedStamp + "]}"),
    event(
        "delivered", Examples.delivered,
        orderFields + #""stage":"delivered","timestamp":"2025-03-01T09:30:00.400Z","trackingNumber":""# + tracking
            + #"","trail":["# + placedStamp + "," + acceptedStamp + "," + packagedStamp + "," + shippedStamp + ","
            + deliveredStamp + "]}"),
    value(
        "delivered notification", Examples.deliveredNotification,
        #"{"customerId":"c-7","message":"[NOTIFICATION] Shipment delivered: order 10202, Drawing Book x1","#
            + #""orderId":"10202","outcome":"delivered","timestamp":"2025-03-01T09:30:00.410Z","trackingNumber":""#
            + tracking + #""}"#),
    value(
        "rejected notification", Examples.rejectedNotification,
        #"{"customerId":"c-7","message":"[NOTIFICATION] Order rejected: order 10203, unknown item \"Teapot\"","#
            + #""orderId":"10203","outcome":"rejected","reason":"unknown item \"Teapot\"","#
            + #""timestamp":"2025-03-01T09:31:00.050Z"}"#),
    value(
        "duplicate notification", Examples.duplicateNotification,
        #"{"customerId":"c-9","message":"[NOTIFICATION] Order rejected: order 10202, duplicate","orderId":"10202","#
            + #""outcome":"rejected","reason":"duplicate","timestamp":"2025-03-01T09:31:30Z"}"#),
    value(
        "dead letter", Examples.deadLetter,
        #"{"payload":"{\"orderId\":\"10204\",","payloadSize":19,"reason":"not valid JSON","#
            + #""receivedAt":"2025-03-01T09:32:00Z","role":"order","topic":"shop/orders/10204/placed"}"#),
]

private func event(_ name: String, _ example: OrderEvent, _ json: String) -> JSONExample {
    value(name, example, json)
}

private func value<Value: Codable & Equatable & Sendable>(
    _ name: String, _ example: Value, _ json: String
) -> JSONExample {
    JSONExample(
        name: name, json: json, encoded: { ShopJSON.encode(example) },
        decodesBack: { try ShopJSON.decode(Value.self, from: $0) == example })
}

@Test(arguments: jsonExamples)
func exampleEncodesToItsExactJSON(_ example: JSONExample) {
    #expect(String(decoding: example.encoded(), as: UTF8.self) == example.json)
}

@Test(arguments: jsonExamples)
func exampleJSONDecodesToTheExample(_ example: JSONExample) throws {
    #expect(try example.decodesBack(bytes(example.json)))
}

@Test func eventsReadTheirStageAndTimeFromTheTrail() {
    #expect(Examples.delivered.stage == .delivered)
    #expect(Examples.delivered.timestamp == time(400))
    #expect(Examples.delivered.trail.map(\.stage) == [.placed, .accepted, .packaged, .shipped, .delivered])
    #expect(Examples.delivered.status.trackingNumber == Examples.trackingNumber)
    #expect(Examples.rejected.status.reason == "unknown item \"Teapot\"")
    #expect(Examples.packaged.topic == "shop/orders/10202/packaged")
}

@Test func datesAreWrittenToTheMillisecondAndReadWithOrWithoutAFraction() {
    #expect(ShopJSON.format(time(0)) == "2025-03-01T09:30:00Z")
    #expect(ShopJSON.format(time(7)) == "2025-03-01T09:30:00.007Z")
    #expect(ShopJSON.format(time(999)) == "2025-03-01T09:30:00.999Z")
    #expect(ShopJSON.format(time(0).addingTimeInterval(0.000_4)) == "2025-03-01T09:30:00Z")
    #expect(ShopJSON.format(time(0).addingTimeInterval(0.000_6)) == "2025-03-01T09:30:00.001Z")
    #expect(ShopJSON.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500Z")
    #expect(ShopJSON.parseDate("2025-03-01T09:30:00Z") == time(0))
    #expect(ShopJSON.parseDate("2025-03-01T09:30:00.120Z") == time(120))
    #expect(ShopJSON.parseDate("2025-03-01 09:30") == nil)
    #expect(ShopJSON.parseDate("") == nil)
    #expect(ShopJSON.parseDate("9999-12-31T23:59:59.999Z").map(ShopJSON.format) == "9999-12-31T23:59:59.999Z")
    #expect(ShopJSON.format(Date(timeIntervalSince1970: .infinity)).isEmpty == false)
}

@Test func aMinimalHandWrittenOrderIsAnOrder() throws {
    let json =
        #"{"orderId":"10202","customerId":"c-7","item":"Drawing Book","quantity":1,"placedAt":"2025-03-01T09:30:00Z"}"#
    #expect(try ShopJSON.decode(Order.self, from: bytes(json)) == Examples.order)
}

@Test(arguments: [
    (#"{"#, "not valid JSON"),
    ("", "empty payload"),
    ("[]", "payload is not a JSON object"),
    (#""text""#, "payload is not a JSON object"),
    (placedJSON.replacingOccurrences(of: #","stage":"placed""#, with: ""), #"missing "stage""#),
    (
        placedJSON.replacingOccurrences(of: #""quantity":1"#, with: #""quantity":"one""#),
        #""quantity" is not an integer"#
    ),
    (placedJSON.replacingOccurrences(of: #""quantity":1"#, with: #""quantity":null"#), #""quantity" is null"#),
    (placedJSON.replacingOccurrences(of: #""item":"Drawing Book""#, with: #""item":42"#), #""item" is not a string"#),
    (
        placedJSON.replacingOccurrences(of: #""stage":"placed"}"#, with: #""stage":"lost"}"#),
        #""trail[0].stage": Cannot initialize OrderStage from invalid String value lost"#
    ),
    (
        placedJSON.replacingOccurrences(of: #""orderId":"10202""#, with: #""orderId":"a/b""#),
        #""orderId": order id "a/b" contains "/", which cannot stand in one topic level"#
    ),
    (
        placedJSON.replacingOccurrences(of: #""placedAt":"2025-03-01T09:30:00Z""#, with: #""placedAt":"yesterday""#),
        #""placedAt": "yesterday" is not an ISO-8601 date such as 2025-03-01T09:30:00Z"#
    ),
    (
        placedJSON.replacingOccurrences(
            of: #""timestamp":"2025-03-01T09:30:00Z""#, with: #""timestamp":"2025-03-01T09:30:01Z""#),
        #""trail": does not end with the event's stage and timestamp"#
    ),
    (
        placedJSON.replacingOccurrences(
            of: #""trail":[{"at":"2025-03-01T09:30:00Z","stage":"placed"}]"#, with: #""trail":[]"#),
        #""trail": does not end with the event's stage and timestamp"#
    ),
])
func malformedEventsSayWhatIsWrong(_ json: String, _ reason: String) {
    #expect(throws: UnreadableMessage(reason)) { try ShopJSON.decode(OrderEvent.self, from: bytes(json)) }
}

@Test func stageSpecificFieldsAreRequired() {
    let shipped = String(decoding: ShopJSON.encode(Examples.shipped), as: UTF8.self)
    let withoutNumber = shipped.replacingOccurrences(of: #""trackingNumber":"\#(Examples.trackingNumber)","#, with: "")
    #expect(throws: UnreadableMessage(#"missing "trackingNumber""#)) {
        try ShopJSON.decode(OrderEvent.self, from: bytes(withoutNumber))
    }
    let rejected = String(decoding: ShopJSON.encode(Examples.rejected), as: UTF8.self)
    let withoutReason = rejected.replacingOccurrences(of: #""reason":"unknown item \"Teapot\"","#, with: "")
    #expect(throws: UnreadableMessage(#"missing "reason""#)) {
        try ShopJSON.decode(OrderEvent.self, from: bytes(withoutReason))
    }
}

@Test func deadLettersKeepTheStartOfABigPayloadAndItsSize() {
    let payload = [UInt8](repeating: 0x61, count: DeadLetter.payloadLimit + 10)
    let letter = DeadLetter(role: .shipping, topic: "t", payload: payload, reason: "r", receivedAt: time(0))
    #expect(letter.payload.utf8.count == DeadLetter.payloadLimit)
    #expect(letter.payloadSize == DeadLetter.payloadLimit + 10)
    #expect(letter.outgoing.topic == "shop/dead-letter/shipping")
    #expect(letter.outgoing.retain == false)
    #expect(letter.logLine == "[SHIPPING] dead letter from t: r")
    let binary = DeadLetter(role: .order, topic: "t", payload: [0xFF, 0x41], reason: "r", receivedAt: time(0))
    #expect(binary.payload == "\u{FFFD}A")
}

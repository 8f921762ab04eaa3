// `%j` and `%J`: Mosquitto 2.0 builds these with cJSON, unformatted, keys in this order:
//   {"tst":"2020-05-06T22:12:00.000000Z+0100","topic":"t","qos":1,"retain":0,"payloadlen":5,"mid":3,"payload":"hello"}
// ("mid" only above QoS 0; "tst" is local time with microseconds, the 'Z' kept before the offset as
// Mosquitto prints it). Strings are escaped as cJSON does and, being C strings, end at a NUL byte; an
// empty payload is `null`.

import Foundation
import MQTTClient
import MQTTCodec
import Reactor

enum JSONOutput {
    static func render(_ message: ReceivedMessage, time: WallClockTime, rawPayload: Bool) -> [UInt8] {
        var stamp = Array(time.formatted("%Y-%m-%dT%H:%M:%S").utf8)
        stamp += Array(".\(zeroPadded(time.nanoseconds / 1000, digits: 6))Z".utf8)
        stamp += Array(time.formatted("%z").utf8)
        var output: [UInt8] = Array("{\"tst\":".utf8)
        appendString(stamp, to: &output)
        output += Array(",\"topic\":".utf8)
        appendString(message.topic.bytes.readableBytesArray, to: &output)
        output += Array(",\"qos\":\(message.qos.rawValue),\"retain\":\(message.retain ? 1 : 0)".utf8)
        output += Array(",\"payloadlen\":\(message.payload.readableBytes)".utf8)
        if let id = message.packetID { output += Array(",\"mid\":\(id.rawValue)".utf8) }
        output += Array(",\"payload\":".utf8)
        if message.payload.readableBytes == 0 {
            output += Array("null".utf8)
        } else if rawPayload {
            output += minified(message.payload.readableBytesArray)
        } else {
            appendString(message.payload.readableBytesArray, to: &output)
        }
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// cJSON's string escaping; the value ends at its first NUL byte.
    static func appendString(_ bytes: [UInt8], to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in bytes {
            switch byte {
            case 0:
                output.append(UInt8(ascii: "\""))
                return
            case UInt8(ascii: "\""): output += Array("\\\"".utf8)
            case UInt8(ascii: "\\"): output += Array("\\\\".utf8)
            case 8: output += Array("\\b".utf8)
            case 12: output += Array("\\f".utf8)
            case 10: output += Array("\\n".utf8)
            case 13: output += Array("\\r".utf8)
            case 9: output += Array("\\t".utf8)
            case ..<32: output += Array("\\u00\(byte < 16 ? "0" : "")\(String(byte, radix: 16))".utf8)
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Whether the payload is one JSON value (any type), nothing after it.
    static func isJSON(_ payload: ByteBuffer) -> Bool {
        guard payload.readableBytes > 0 else { return true }
        let data = Data(payload.readableBytesArray)
        return (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil
    }

    /// The JSON text without whitespace outside strings (cJSON reprints it unformatted).
    static func minified(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                output.append(byte)
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
                output.append(byte)
            } else if byte != 32 && byte != 9 && byte != 10 && byte != 13 {
                output.append(byte)
            }
        }
        return output
    }
}

// One `%` field of an output format, as Mosquitto's formatted_print_percent prints it.

import MQTTClient
import MQTTCodec
import Reactor

struct FieldRenderer {
    let message: ReceivedMessage
    let time: WallClockTime
    let spec: FieldSpec

    func render(_ specifier: UInt8, into output: inout [UInt8], errors: inout [String]) {
        switch specifier {
        case UInt8(ascii: "%"): output.append(UInt8(ascii: "%"))
        case UInt8(ascii: "A"), UInt8(ascii: "E"), UInt8(ascii: "F"), UInt8(ascii: "S"):
            output += Array(repeating: spec.zeroPadded ? UInt8(ascii: "0") : UInt8(ascii: " "), count: spec.width)
        case UInt8(ascii: "C"): output += Array(repeating: UInt8(ascii: " "), count: spec.width)
        case UInt8(ascii: "I"): string(Array(time.formatted("%FT%T%z").utf8), into: &output)
        case UInt8(ascii: "j"): output += JSONOutput.render(message, time: time, rawPayload: false)
        case UInt8(ascii: "J"):
            guard JSONOutput.isJSON(message.payload) else {
                errors.append("Error: Message payload is not valid JSON on topic \(message.topic).\n")
                return
            }
            output += JSONOutput.render(message, time: time, rawPayload: true)
        case UInt8(ascii: "l"): integer(message.payload.readableBytes, into: &output)
        case UInt8(ascii: "m"): integer(Int(message.packetID?.rawValue ?? 0), into: &output)
        case UInt8(ascii: "p"): payload(hex: nil, into: &output)
        case UInt8(ascii: "q"): output.append(UInt8(ascii: "0") + message.qos.rawValue)
        case UInt8(ascii: "r"): output.append(message.retain ? UInt8(ascii: "1") : UInt8(ascii: "0"))
        case UInt8(ascii: "t"): message.topic.bytes.withReadableBytes { string(Array($0), into: &output) }
        case UInt8(ascii: "U"):
            output += Array("\(time.formatted("%s")).\(zeroPadded(time.nanoseconds, digits: 9))".utf8)
        case UInt8(ascii: "x"): payload(hex: "0123456789abcdef", into: &output)
        case UInt8(ascii: "X"): payload(hex: "0123456789ABCDEF", into: &output)
        default: break  // %D, %P, %R: v5 properties, absent
        }
    }

    /// printf's `%d`, `%-*d`, `%0*d`, `%*d`.
    private func integer(_ value: Int, into output: inout [UInt8]) {
        let digits = Array(String(value).utf8)
        let padding = max(0, spec.width - digits.count)
        if spec.width == 0 || spec.leftAligned {
            output += digits
            output += Array(repeating: UInt8(ascii: " "), count: spec.width == 0 ? 0 : padding)
        } else {
            output += Array(repeating: spec.zeroPadded ? UInt8(ascii: "0") : UInt8(ascii: " "), count: padding)
            output += digits
        }
    }

    /// printf's `%-*.*s` family: the precision cuts bytes, the width pads with spaces.
    private func string(_ value: [UInt8], into output: inout [UInt8]) {
        let shown = spec.precision.map { Array(value.prefix($0)) } ?? value
        let padding = Array(repeating: UInt8(ascii: " "), count: max(0, spec.width - shown.count))
        if spec.leftAligned {
            output += shown + padding
        } else {
            output += padding + shown
        }
    }

    /// Mosquitto's write_payload: with a width the payload is cut to the width (to half of it in
    /// hex), then padded.
    private func payload(hex digits: String?, into output: inout [UInt8]) {
        let bytes = message.payload.readableBytesArray
        var length = bytes.count
        var padding: Int
        if spec.width > 0 {
            length = min(length, spec.width)
            if digits != nil {
                length /= 2
                padding = spec.width - length * 2
            } else {
                padding = spec.width - length
            }
        } else {
            padding = spec.width - length
        }
        let pad = spec.zeroPadded ? UInt8(ascii: "0") : UInt8(ascii: " ")
        if !spec.leftAligned && padding > 0 { output += Array(repeating: pad, count: padding) }
        if let digits {
            let table = Array(digits.utf8)
            for byte in bytes.prefix(length) {
                output.append(table[Int(byte >> 4)])
                output.append(table[Int(byte & 0x0F)])
            }
        } else {
            output += bytes.prefix(length)
        }
        if spec.leftAligned && padding > 0 { output += Array(repeating: UInt8(ascii: " "), count: padding) }
    }
}

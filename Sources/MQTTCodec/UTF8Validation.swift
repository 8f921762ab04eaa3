// UTF-8 as MQTT 3.1.1 section 1.5.3 restricts it: well-formed per Unicode (no overlong forms, no
// surrogates U+D800..U+DFFF, nothing above U+10FFFF) [MQTT-1.5.3-1], and no U+0000 [MQTT-1.5.3-2].
// Control characters and non-characters are only discouraged ("SHOULD NOT"), so they pass.

/// What a byte sequence is as an MQTT UTF-8 string.
enum UTF8Verdict: Equatable {
    case valid
    case illFormed
    case containsNull
}

/// Checks `bytes` without building a `String`.
func validateMQTTUTF8(_ bytes: UnsafeRawBufferPointer) -> UTF8Verdict {
    var index = 0
    let count = bytes.count
    var sawNull = false
    while index < count {
        let lead = bytes[index]
        if lead < 0x80 {
            if lead == 0 { sawNull = true }
            index += 1
            continue
        }
        let length: Int
        var lowerBound: UInt8 = 0x80
        var upperBound: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lowerBound = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upperBound = 0x9F  // excludes the surrogates
        case 0xF0: length = 4; lowerBound = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upperBound = 0x8F  // nothing above U+10FFFF
        default: return .illFormed
        }
        guard index + length <= count else { return .illFormed }
        let second = bytes[index + 1]
        guard second >= lowerBound && second <= upperBound else { return .illFormed }
        var offset = 2
        while offset < length {
            guard bytes[index + offset] & 0xC0 == 0x80 else { return .illFormed }
            offset += 1
        }
        index += length
    }
    return sawNull ? .containsNull : .valid
}

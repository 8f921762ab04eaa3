// `-d`: one line per packet, worded as libmosquitto's debug log.

import MQTTClient
import MQTTCodec

/// Formats packet traces as Mosquitto's clients print them with `-d`.
struct DebugLog: Sendable {
    let clientID: String

    private var name: String { clientID.isEmpty ? "(null)" : clientID }

    func lines(for trace: PacketTrace) -> [String] {
        switch trace {
        case .sent(let packet): sent(packet).map { "Client \(name) sending \($0)" }
        case .received(.subAck(let subAck)):
            // mosquitto_sub's subscribe callback prints the granted QoS after the library's line.
            [
                "Client \(name) received SUBACK",
                "Subscribed (mid: \(subAck.packetID)): "
                    + subAck.returnCodes.map { "\($0.rawValue)" }.joined(separator: ", "),
            ]
        case .received(let packet): ["Client \(name) received \(received(packet))"]
        case .connectionLost, .unmatched: []
        }
    }

    private func sent(_ packet: Packet) -> [String] {
        switch packet {
        case .connect: ["CONNECT"]
        case .publish(let publish): ["PUBLISH \(describe(publish))"]
        case .pubAck(let ack): ["PUBACK (m\(ack.packetID), rc0)"]
        case .pubRec(let rec): ["PUBREC (m\(rec.packetID), rc0)"]
        case .pubRel(let rel): ["PUBREL (m\(rel.packetID))"]
        case .pubComp(let comp): ["PUBCOMP (m\(comp.packetID))"]
        case .subscribe(let subscribe):
            subscribe.requests.map {
                "SUBSCRIBE (Mid: \(subscribe.packetID), Topic: \($0.filter), QoS: \($0.qos.rawValue), Options: 0x00)"
            }
        case .unsubscribe(let unsubscribe):
            unsubscribe.filters.map { "UNSUBSCRIBE (Mid: \(unsubscribe.packetID), Topic: \($0))" }
        case .pingReq: ["PINGREQ"]
        case .disconnect: ["DISCONNECT"]
        case .connAck, .subAck, .unsubAck, .pingResp: ["\(packet.type)"]
        }
    }

    private func received(_ packet: Packet) -> String {
        switch packet {
        case .connAck(let connAck): "CONNACK (\(connAck.returnCode.rawValue))"
        case .publish(let publish): "PUBLISH \(describe(publish))"
        case .pubAck(let ack): "PUBACK (Mid: \(ack.packetID), RC:0)"
        case .pubRec(let rec): "PUBREC (Mid: \(rec.packetID))"
        case .pubRel(let rel): "PUBREL (Mid: \(rel.packetID))"
        case .pubComp(let comp): "PUBCOMP (Mid: \(comp.packetID), RC:0)"
        default: "\(packet.type)"
        }
    }

    private func describe(_ publish: Publish) -> String {
        let flags = "d\(publish.dup ? 1 : 0), q\(publish.qos.rawValue), r\(publish.retain ? 1 : 0)"
        return
            "(\(flags), m\(publish.packetID?.rawValue ?? 0), '\(publish.topic)', ... (\(publish.payload.readableBytes) bytes))"
    }
}

// Writes the fuzzer's seed corpus: one file per valid packet of every type (built with the codec's
// own encoder, so the seeds follow the codec), a few streams of several packets, and a few inputs
// that end with 0xA5 so the fuzzer's small-limit path starts with something to mutate.
// Compiled by `scripts/fuzz-decoder` together with Sources/MQTTCodec/*.swift; not a package target.
//
//   make-seeds <directory>

#if canImport(Glibc)
    import Glibc
#endif

@main
enum MakeSeeds {
    static func main() throws {
        guard CommandLine.arguments.count == 2 else {
            fputs("usage: make-seeds <directory>\n", stderr)
            exit(2)
        }
        let directory = CommandLine.arguments[1]
        let packets = try samplePackets()
        var seeds = packets.map { $0.encoded().readableBytesArray }
        seeds.append(packets.flatMap { $0.encoded().readableBytesArray })
        seeds.append(packets.prefix(4).flatMap { $0.encoded().readableBytesArray })
        seeds += packets.prefix(3).map { $0.encoded().readableBytesArray + [0xA5] }
        for (index, seed) in seeds.enumerated() {
            let path = "\(directory)/seed-\(index)"
            guard let file = fopen(path, "wb") else {
                fputs("make-seeds: cannot write \(path)\n", stderr)
                exit(1)
            }
            _ = seed.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            fclose(file)
        }
        print("make-seeds: wrote \(seeds.count) seeds to \(directory)")
    }

    static func samplePackets() throws -> [Packet] {
        let will = Will(
            topic: try TopicName("will/topic"), payload: ByteBuffer(string: "gone"), qos: .atLeastOnce, retain: true)
        return [
            .connect(Connect(clientID: "fuzz", keepAlive: 30)),
            .connect(
                Connect(
                    clientID: "c", cleanSession: false, will: will, username: "user", password: ByteBuffer(string: "pw")
                )),
            .connect(Connect(protocolVersion: .v3_1, clientID: "old", password: ByteBuffer(bytes: [0, 1]))),
            .connAck(ConnAck(sessionPresent: true)),
            .connAck(ConnAck(returnCode: .notAuthorized)),
            .publish(Publish(topic: try TopicName("a/b"), payload: ByteBuffer(string: "hello"))),
            .publish(
                Publish(
                    topic: try TopicName("$SYS/é//x"), payload: ByteBuffer(bytes: [0, 255]), qos: .atLeastOnce,
                    packetID: 1, retain: true)),
            .publish(
                Publish(
                    topic: try TopicName("t"), payload: ByteBuffer(bytes: Array(repeating: 7, count: 200)),
                    qos: .exactlyOnce, packetID: 65535, dup: true)),
            .pubAck(PubAck(packetID: 1)),
            .pubRec(PubRec(packetID: 2)),
            .pubRel(PubRel(packetID: 3)),
            .pubComp(PubComp(packetID: 4)),
            .subscribe(
                Subscribe(
                    packetID: 5,
                    requests: [
                        .init(filter: try TopicFilter("a/+/#"), qos: .exactlyOnce),
                        .init(filter: try TopicFilter("/"), qos: .atMostOnce),
                    ])),
            .subAck(SubAck(packetID: 5, returnCodes: [.granted(.exactlyOnce), .failure])),
            .unsubscribe(Unsubscribe(packetID: 6, filters: [try TopicFilter("+"), try TopicFilter("$SYS/#")])),
            .unsubAck(UnsubAck(packetID: 6)),
            .pingReq,
            .pingResp,
            .disconnect,
        ]
    }
}

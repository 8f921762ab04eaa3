import Foundation
import MQTTBroker
import OrderPipeline
import Testing

// No Docker engine runs on the build machines, so compose.yaml and the Dockerfile are checked
// here as text: every `shop` command is one `ShopOptions` accepts, the brokers and their configs
// fit together, and the agents can be scaled.

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

private func read(_ path: String) throws -> String {
    try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
}

private func compose() throws -> YAMLValue { try MiniYAML.parse(read("compose.yaml")) }

private func services() throws -> [String: YAMLValue] { try compose()["services"]?.entries ?? [:] }

/// The environment a service's container gets, as `ShopOptions` reads it.
private func environment(_ service: YAMLValue) -> [String: String] {
    service["environment"]?.entries.compactMapValues(\.string) ?? [:]
}

@Test func composeRunsABrokerTheFourAgentsAndACustomer() throws {
    #expect(
        Set(try services().keys) == [
            "broker", "mosquitto", "order", "packaging", "shipping", "notification", "customer",
        ])
}

@Test func everyShopCommandNamesARoleAndParses() throws {
    var roles: [ShopRole] = []
    for (name, service) in try services() {
        guard let command = service["command"]?.strings, command.first == "shop" else { continue }
        let role = try #require(command.count > 1 ? ShopRole(rawValue: command[1]) : nil, "\(name): \(command)")
        #expect(role.rawValue == name, "the service is named after its role")
        let parsed = try ShopOptions.parse(arguments: Array(command.dropFirst()), environment: environment(service))
        guard case .run(let options) = parsed else {
            Issue.record("\(name) asks for help")
            continue
        }
        #expect(options.host == "broker", "\(name) connects to the broker service")
        #expect(options.port == 1883)
        #expect(options.qos == .atLeastOnce)
        roles.append(role)
    }
    #expect(Set(roles) == Set(ShopRole.agents + [.customer]))
}

@Test func agentsCanBeScaled() throws {
    for (name, service) in try services() where service["command"]?.strings?.first == "shop" {
        #expect(service["container_name"] == nil, "\(name): a fixed container name prevents --scale")
        #expect(service["ports"] == nil, "\(name): a published port prevents --scale")
        #expect(service["image"]?.string == "starling-shop:latest")
        #expect(service["build"]?.string == ".")
        #expect(service["profiles"] == nil, "\(name) runs in every profile")
    }
}

/// Every service runs `shop <role>`, `starling`, or the stock Mosquitto image: a command naming
/// anything else would fail only when the container starts.
@Test func everyServiceRunsAShopRoleStarlingOrTheMosquittoImage() throws {
    for (name, service) in try services() {
        guard let command = service["command"]?.strings else {
            #expect(service["image"]?.string == "eclipse-mosquitto:2", "\(name) has no command")
            continue
        }
        switch command.first {
        case "shop":
            #expect(throws: Never.self, "\(name): \(command)") {
                try ShopOptions.parse(arguments: Array(command.dropFirst()), environment: environment(service))
            }
        case "starling":
            // The container paths the command names, read from the files mounted there.
            let mounts = (service["volumes"]?.strings ?? []).map { $0.split(separator: ":").map(String.init) }
            let arguments = command.dropFirst().map { argument in
                mounts.first { $0.count >= 2 && $0[1] == argument }.map { root.appendingPathComponent($0[0]).path }
                    ?? argument
            }
            #expect(throws: Never.self, "\(name): \(command)") {
                _ = try BrokerCommandLine(arguments: arguments).launch()
            }
        default:
            Issue.record("\(name) runs \(command), neither shop nor starling")
        }
    }
}

@Test func theBrokerHasAFixedAddressOutsideTheRangeTheOtherContainersGet() throws {
    let network = try #require(try compose()["networks"]?["default"]?["ipam"]?["config"]?.items?.first)
    let subnet = try #require(network["subnet"]?.string.flatMap(IPv4Block.init))
    let dynamic = try #require(network["ip_range"]?.string.flatMap(IPv4Block.init))
    #expect(subnet.description == "172.30.0.0/24")
    #expect(subnet.contains(dynamic))
    let services = try services()
    for name in ["broker", "mosquitto"] {
        let address = try #require(
            services[name]?["networks"]?["default"]?["ipv4_address"]?.string.flatMap(IPv4Block.init), "\(name)")
        #expect(address.description == "172.30.0.10/32", "\(name)")
        #expect(subnet.contains(address) && !dynamic.contains(address), "\(name)")
    }
    for (name, service) in services where service["command"]?.strings?.first == "shop" {
        #expect(service["networks"] == nil, "\(name): a fixed address prevents --scale")
    }
}

@Test func starlingIsTheDefaultBrokerAndMosquittoAProfile() throws {
    let services = try services()
    let broker = try #require(services["broker"])
    #expect(broker["profiles"]?.strings == ["starling"])
    #expect(broker["command"]?.strings == ["starling", "-c", "/etc/starling/starling.conf"])
    #expect(broker["volumes"]?.strings == ["./deploy/starling.conf:/etc/starling/starling.conf:ro"])

    let mosquitto = try #require(services["mosquitto"])
    #expect(mosquitto["profiles"]?.strings == ["mosquitto"])
    #expect(mosquitto["image"]?.string == "eclipse-mosquitto:2")
    #expect(mosquitto["networks"]?["default"]?["aliases"]?.strings == ["broker"])
    #expect(mosquitto["volumes"]?.strings?.first == "./deploy/mosquitto.conf:/mosquitto/config/mosquitto.conf:ro")

    #expect(try read(".env").split(separator: "\n").contains("COMPOSE_PROFILES=starling"))
}

@Test func starlingLoadsItsComposeConfigAsAPublicAnonymousListener() throws {
    let path = root.appendingPathComponent("deploy/starling.conf").path
    let launch = try BrokerCommandLine(arguments: ["-c", path]).launch()
    #expect(launch.warnings.isEmpty)
    #expect(launch.configuration.listeners == [ListenerConfiguration(port: 1883)])
    #expect(launch.configuration.allowAnonymous)
}

@Test func mosquittoGetsAPublicAnonymousListenerWithPersistence() throws {
    let lines = try read("deploy/mosquitto.conf").split(separator: "\n").filter { !$0.hasPrefix("#") }
    #expect(lines.contains("listener 1883"))
    #expect(lines.contains("allow_anonymous true"))
    #expect(lines.contains("persistence true"))
}

@Test func oneImageBuildsBothExecutablesInStages() throws {
    let dockerfile = try read("Dockerfile")
    let stages = dockerfile.split(separator: "\n").filter { $0.hasPrefix("FROM ") }
    #expect(stages.count == 2)
    #expect(stages.first?.hasSuffix(" AS build") == true)
    #expect(stages.first?.contains("swift:") == true)
    #expect(dockerfile.contains("--product starling"))
    #expect(dockerfile.contains("--product shop"))
    #expect(dockerfile.contains("--static-swift-stdlib"))
    #expect(dockerfile.contains("COPY --from=build /out/starling /out/shop /usr/local/bin/"))
}

@Test func everyProductTheDockerfileBuildsIsDeclared() throws {
    let manifest = try read("Package.swift")
    for product in ["starling", "shop"] {
        #expect(manifest.contains(".executable(name: \"\(product)\""))
    }
}

@Test func theYAMLReaderReadsThisSubsetAndRefusesTheRest() throws {
    let value = try MiniYAML.parse(
        """
        # comment
        a:
          b: "x # not a comment"   # comment
          c: ['it''s', "q\\"", plain]
          d:
            - one
            - "two: 2"
        e: 5
        """)
    #expect(value["a"]?["b"]?.string == "x # not a comment")
    #expect(value["a"]?["c"]?.strings == ["it's", "q\"", "plain"])
    #expect(value["a"]?["d"]?.strings == ["one", "two: 2"])
    #expect(value["e"]?.string == "5")
    let items = try MiniYAML.parse(
        """
        a:
          - b: 1
            c: [x]
            d:
              e: 2
          - plain
          - f: 3
        """)
    #expect(
        items["a"]?.items == [
            .map(["b": .scalar("1"), "c": .list([.scalar("x")]), "d": .map(["e": .scalar("2")])]), .scalar("plain"),
            .map(["f": .scalar("3")]),
        ])
    for unsupported in [
        "a: &x 1", "a: {b: 1}", "a: |\n  text", "a:\n  -\n    b: 1", "a: 1\na: 2", "a:\n\t- b", "a:\n  - b: 1\n   c: 2",
    ] {
        #expect(throws: YAMLError.self, "\(unsupported)") { try MiniYAML.parse(unsupported) }
    }
}

/// An IPv4 address block in CIDR notation (`172.30.0.0/24`); a bare address is a /32.
private struct IPv4Block: CustomStringConvertible {
    let base: UInt32
    let prefix: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt8($0) }
        guard octets.count == 4, parts.count <= 2, let prefix = parts.count == 2 ? Int(parts[1]) : 32,
            (0...32).contains(prefix)
        else { return nil }
        base = octets.reduce(0) { $0 << 8 | UInt32($1) }
        self.prefix = prefix
    }

    private var mask: UInt32 { prefix == 0 ? 0 : ~0 << (32 - prefix) }

    /// Whether every address of `other` is in this block.
    func contains(_ other: IPv4Block) -> Bool {
        other.prefix >= prefix && other.base & mask == base & mask
    }

    var description: String {
        (0..<4).map { String(base >> (24 - 8 * $0) & 0xFF) }.joined(separator: ".") + "/\(prefix)"
    }
}

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
    for unsupported in ["a: &x 1", "a: {b: 1}", "a: |\n  text", "a:\n  - b: 1", "a: 1\na: 2", "a:\n\t- b"] {
        #expect(throws: YAMLError.self, "\(unsupported)") { try MiniYAML.parse(unsupported) }
    }
}

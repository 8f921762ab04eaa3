// swift-tools-version: 6.0
import PackageDescription

// Starling uses the Swift toolchain only: this package declares no dependencies.
let package = Package(
    name: "Starling",
    products: [
        .library(name: "MQTTCodec", targets: ["MQTTCodec"]),
        .library(name: "MQTTBroker", targets: ["MQTTBroker"]),
        .library(name: "MQTTClient", targets: ["MQTTClient"]),
        .library(name: "OrderPipeline", targets: ["OrderPipeline"]),
        .executable(name: "starling", targets: ["starling"]),
        .executable(name: "starling-pub", targets: ["starling-pub"]),
        .executable(name: "starling-sub", targets: ["starling-sub"]),
        .executable(name: "starling-bench", targets: ["starling-bench"]),
        .executable(name: "starling-core-bench", targets: ["starling-core-bench"]),
        .executable(name: "shop", targets: ["shop"]),
    ],
    targets: [
        .target(name: "MQTTCodec"),
        .target(name: "CSystem"),
        .target(name: "Reactor", dependencies: ["CSystem", "MQTTCodec"]),
        .target(name: "MQTTBroker", dependencies: ["MQTTCodec", "Reactor"]),
        // The shop's events, topics and rules: pure, Foundation only (JSON), no MQTT client.
        .target(name: "OrderPipeline"),
        .executableTarget(name: "starling", dependencies: ["MQTTBroker"]),
        .executableTarget(name: "starling-bench", dependencies: ["Reactor", "MQTTCodec"]),
        .executableTarget(name: "starling-core-bench", dependencies: ["MQTTBroker", "MQTTCodec", "Reactor"]),
        .target(name: "MQTTClient", dependencies: ["MQTTCodec", "Reactor"]),
        .target(name: "MQTTCommandLine", dependencies: ["MQTTClient", "MQTTCodec", "Reactor"]),
        .executableTarget(name: "starling-pub", dependencies: ["MQTTCommandLine"]),
        .executableTarget(name: "starling-sub", dependencies: ["MQTTCommandLine"]),
        // The runners under the shop's rules, and `shop demo`'s embedded broker.
        .target(name: "ShopAgents", dependencies: ["OrderPipeline", "MQTTClient", "MQTTCodec", "MQTTBroker", "Reactor"]),
        .executableTarget(name: "shop", dependencies: ["ShopAgents"]),
        .target(name: "MQTTTestSupport", dependencies: ["MQTTBroker", "MQTTCodec", "Reactor"]),
        .testTarget(name: "MQTTCodecTests", dependencies: ["MQTTCodec"]),
        .testTarget(name: "ReactorTests", dependencies: ["Reactor", "MQTTCodec"]),
        .testTarget(
            name: "MQTTBrokerTests", dependencies: ["MQTTBroker", "MQTTCodec", "Reactor"],
            // Read through #filePath, so the fixtures stay files on disk, not bundle resources.
            exclude: ["Fixtures"]),
        .testTarget(name: "OrderPipelineTests", dependencies: ["OrderPipeline"]),
        // compose.yaml, the Dockerfile and deploy/ read as text: no Docker engine on the build machines.
        .testTarget(name: "DeploymentTests", dependencies: ["OrderPipeline", "MQTTBroker"]),
        .testTarget(name: "BrokerWireTests", dependencies: ["MQTTTestSupport", "MQTTBroker", "MQTTCodec", "Reactor"]),
        .testTarget(
            name: "MQTTClientTests",
            dependencies: ["MQTTClient", "MQTTCommandLine", "MQTTTestSupport", "MQTTBroker", "MQTTCodec", "Reactor"]),
        .testTarget(
            name: "ShopTests",
            dependencies: ["ShopAgents", "OrderPipeline", "MQTTTestSupport", "MQTTClient", "MQTTBroker", "MQTTCodec"]),
    ],
    swiftLanguageModes: [.v6]
)

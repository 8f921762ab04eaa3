// swift-tools-version: 6.0
import PackageDescription

// Starling uses the Swift toolchain only: this package declares no dependencies.
let package = Package(
    name: "Starling",
    products: [
        .library(name: "MQTTCodec", targets: ["MQTTCodec"]),
    ],
    targets: [
        .target(name: "MQTTCodec"),
        .target(name: "MQTTBroker", dependencies: ["MQTTCodec"]),
        .testTarget(name: "MQTTCodecTests", dependencies: ["MQTTCodec"]),
        .testTarget(
            name: "MQTTBrokerTests", dependencies: ["MQTTBroker", "MQTTCodec"],
            // Read through #filePath, so the fixtures stay files on disk, not bundle resources.
            exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)

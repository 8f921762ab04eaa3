// A broker the API tests run against: Starling in this process, or a stock Mosquitto started by PID on
// a free loopback port with a generated configuration and stopped by PID. Both can be restarted on
// the same port (the reconnect tests).

import Foundation
import MQTTBroker
import MQTTClient
import MQTTTestSupport
import Reactor

enum BrokerKind: String, CaseIterable, CustomStringConvertible, Sendable {
    case starling
    case mosquitto

    var description: String { rawValue }

    static let mosquittoPath = "/usr/sbin/mosquitto"
    static var mosquittoInstalled: Bool { FileManager.default.isExecutableFile(atPath: mosquittoPath) }

    /// The kinds available on this machine.
    static var available: [BrokerKind] { mosquittoInstalled ? [.starling, .mosquitto] : [.starling] }
}

enum LiveBrokerError: Error, CustomStringConvertible {
    case didNotStart(String)
    var description: String {
        switch self {
        case .didNotStart(let what): "broker did not start: \(what)"
        }
    }
}

/// A running broker of either kind.
final class LiveBroker: @unchecked Sendable {
    let kind: BrokerKind
    private(set) var port: UInt16
    let allowAnonymous: Bool
    private var starling: TestBroker?
    private var mosquitto: ChildProcess?
    private let directory: URL

    init(_ kind: BrokerKind, allowAnonymous: Bool = true) throws {
        self.kind = kind
        self.allowAnonymous = allowAnonymous
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "starling-client-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = 0
        // A port free a moment ago can be taken before the broker binds it: try another.
        for attempt in 1...3 {
            port = try Self.freePort()
            do {
                try start()
                return
            } catch {
                if attempt == 3 { throw error }
            }
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts the broker on `port` (again, after `stop`).
    func start() throws {
        switch kind {
        case .starling:
            let port = self.port
            let anonymous = allowAnonymous
            starling = try TestBroker(threads: 2) { options in
                options.listeners = [ListenAddress(host: "127.0.0.1", port: port)]
                options.limits.allowAnonymous = anonymous
            }
        case .mosquitto:
            let configuration = directory.appendingPathComponent("mosquitto.conf")
            let text = "listener \(port) 127.0.0.1\nallow_anonymous \(allowAnonymous)\npersistence false\n"
            try text.write(to: configuration, atomically: true, encoding: .utf8)
            mosquitto = try ChildProcess.spawn(BrokerKind.mosquittoPath, arguments: ["-c", configuration.path])
            do { try waitUntilListening() } catch {
                stop()
                throw error
            }
        }
    }

    /// Stops the broker (Mosquitto by its PID, with SIGTERM), as a crash would for its clients.
    func stop() {
        starling?.stop()
        starling = nil
        if let process = mosquitto {
            process.terminate()
            process.waitForExit()
            mosquitto = nil
        }
    }

    func options(_ clientID: String, cleanSession: Bool = true) -> ClientOptions {
        var options = ClientOptions(host: "127.0.0.1", port: port, clientID: clientID, cleanSession: cleanSession)
        options.connectTimeout = .seconds(5)
        options.reconnect = ReconnectPolicy(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(500))
        return options
    }

    private func waitUntilListening() throws {
        let address = try SocketAddress.resolve(host: "127.0.0.1", port: port)
        for _ in 0..<100 {
            if let socket = try? Socket.connect(to: address, timeoutMilliseconds: 100) {
                socket.close()
                return
            }
            usleep(50_000)
        }
        throw LiveBrokerError.didNotStart("\(kind) on port \(port)")
    }

    private static func freePort() throws -> UInt16 {
        let listener = try TCPListener.bind(host: "127.0.0.1", port: 0)
        defer { listener.close() }
        return listener.localAddress.port
    }
}

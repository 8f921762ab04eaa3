// The `starling` executable's entry point, kept out of main.swift so it runs nonisolated rather
// than on the main actor.

import Foundation
import Reactor

/// Runs the broker from command-line arguments and returns the exit status.
public enum StarlingCommand {
    public static func run(arguments: [String]) -> Int32 {
        SignalReader.blockSignals()
        var ports: [UInt16] = []
        var threads = availableProcessorCount()
        var verbose = false
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            func value() -> String? {
                index += 1
                return index < arguments.count ? arguments[index] : nil
            }
            switch argument {
            case "-p", "--port":
                guard let text = value(), let port = UInt16(text) else { return usageError("-p needs a port number") }
                ports.append(port)
            case "--threads":
                guard let text = value(), let count = Int(text), count > 0 else { return usageError("--threads needs a positive number") }
                threads = count
            case "-v", "--verbose":
                verbose = true
            case "-h", "--help":
                print(usage)
                return 0
            default:
                return usageError("unknown option \(argument)")
            }
            index += 1
        }
        let log = StandardErrorLog.sink(verbose: verbose)
        log.log(.notice, "\(SystemTopicPublisher.version) starting")
        var listeners: [ListenAddress] = []
        if ports.isEmpty {
            log.log(.notice, "Starting in local only mode. Connections will only be possible from clients running on this machine.")
            log.log(.notice, "Create a configuration file which defines a listener to allow remote access.")
            listeners = [ListenAddress(host: "127.0.0.1", port: 1883)]
        } else {
            listeners = ports.map { ListenAddress(host: "127.0.0.1", port: $0) }
        }
        var options = BrokerServerOptions(listeners: listeners, threads: threads)
        options.log = log
        options.handlesSignals = true
        do {
            let server = try BrokerServer(options: options)
            for address in server.boundAddresses {
                log.log(.notice, "Opening ipv4 listen socket on port \(address.port).")
            }
            try server.start()
            log.log(.notice, "\(SystemTopicPublisher.version) running")
            server.waitUntilStopped()
            log.log(.notice, "\(SystemTopicPublisher.version) terminating")
            return 0
        } catch {
            log.log(.error, "Error: \(error).")
            return 1
        }
    }

    static let usage = """
        starling is an MQTT 3.1.1 broker.

        Usage: starling [-c config_file] [-p port [-p port ...]] [-v] [--threads N]

         -c : specify the broker config file.
         -p : start the broker listening on the specified port.
              Not recommended in conjunction with the -c option.
         -v : verbose mode - enable all logging types. This overrides
              any logging options given in the config file.
         --threads : number of event loops (default: one per core).
        """

    private static func usageError(_ message: String) -> Int32 {
        FileHandle.standardError.write(Data("Error: \(message)\n\n\(usage)\n".utf8))
        return 3
    }
}

/// Temporary stderr logger in Mosquitto's line shape (`<unix time>: <message>`).
enum StandardErrorLog {
    static func sink(verbose: Bool) -> LogSink {
        LogSink(isVerbose: verbose) { level, message in
            switch level {
            case .debug, .subscribe, .unsubscribe: guard verbose else { return }
            default: break
            }
            let line = "\(Int(Date().timeIntervalSince1970)): \(message)\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
}

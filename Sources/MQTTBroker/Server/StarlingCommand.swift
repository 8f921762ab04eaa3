// The `starling` executable's entry point, kept out of main.swift so it runs nonisolated rather
// than on the main actor. Start-up and shutdown lines follow Mosquitto's.

import Foundation
import Reactor

/// Runs the broker from command-line arguments and returns the exit status.
public enum StarlingCommand {
    public static func run(arguments: [String]) -> Int32 {
        SignalReader.blockSignals()
        let processors = availableProcessorCount()
        let commandLine: BrokerCommandLine
        do {
            commandLine = try BrokerCommandLine(arguments: arguments)
        } catch {
            printError(error.description)
            if error.showsUsage { print(BrokerCommandLine.usage(processorCount: processors)) }
            return BrokerCommandLine.errorExitCode
        }
        switch commandLine.request {
        case .help:
            print(BrokerCommandLine.usage(processorCount: processors))
            return 0
        case .version:
            print(BrokerCommandLine.versionLine)
            return 0
        case .run:
            break
        }
        let launch: BrokerLaunch
        let log: BrokerLog
        do {
            launch = try commandLine.launch(processorCount: processors)
            log = try BrokerLog(configuration: launch.configuration.logging)
        } catch {
            printError("\(error)")
            return BrokerCommandLine.errorExitCode
        }
        return run(launch, log: log)
    }

    private static func run(_ launch: BrokerLaunch, log: BrokerLog) -> Int32 {
        let configuration = launch.configuration
        log.log(.notice, "\(BrokerCommandLine.versionLine) starting")
        if launch.configFiles.isEmpty {
            log.log(.notice, "Using default config.")
        } else {
            for file in launch.configFiles { log.log(.notice, "Config loaded from \(file).") }
        }
        for warning in launch.warnings { log.log(.warning, warning.description) }
        let unsupported = configuration.unsupportedSecurityOptions
        guard unsupported.isEmpty else {
            log.log(.error, "Error: \(unsupported.joined(separator: ", ")) is not supported by this version of Starling; refusing to start without the access control it asks for.")
            return BrokerCommandLine.errorExitCode
        }
        if configuration.persistence.isEnabled {
            log.log(.warning, "Warning: persistence is not implemented yet: sessions and retained messages are kept in memory only and do not survive a restart.")
        }
        if configuration.isLocalOnly {
            log.log(.notice, "Starting in local only mode. Connections will only be possible from clients running on this machine.")
            log.log(.notice, "Create a configuration file which defines a listener to allow remote access.")
        }
        var options = BrokerServerOptions(listeners: configuration.listenAddresses, threads: launch.threads)
        options.limits = configuration.brokerLimits
        options.sysInterval = configuration.sysInterval
        options.log = log
        options.handlesSignals = true
        do {
            let server = try BrokerServer(options: options)
            for address in server.boundAddresses {
                log.log(.notice, "Opening \(address.host.contains(":") ? "ipv6" : "ipv4") listen socket on port \(address.port).")
            }
            for (address, error) in server.skippedListeners {
                log.log(.warning, "Warning: not listening on \(address.host) port \(address.port): \(error).")
            }
            let pidFile = configuration.pidFile
            if let pidFile { writePIDFile(pidFile, log: log) }
            try server.start()
            log.log(.notice, "\(BrokerCommandLine.versionLine) running")
            server.waitUntilStopped()
            if let pidFile { try? FileManager.default.removeItem(atPath: pidFile) }
            log.log(.notice, "\(BrokerCommandLine.versionLine) terminating")
            return 0
        } catch {
            if error.isAddressInUse {
                log.log(.error, "Error: Address already in use")
            } else {
                log.log(.error, "Error: \(error).")
            }
            return 1
        }
    }

    private static func writePIDFile(_ path: String, log: BrokerLog) {
        do {
            try "\(ProcessInfo.processInfo.processIdentifier)\n".write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            log.log(.warning, "Warning: Unable to write pid file \(path): \(error.localizedDescription)")
        }
    }

    private static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}

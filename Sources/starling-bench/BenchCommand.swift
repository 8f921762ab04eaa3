// The `starling-bench` entry point, kept out of main.swift so it runs nonisolated rather than on
// the main actor. The whole run happens on the calling thread, in one Reactor loop.

import Foundation
import Reactor

/// Runs one benchmark from command-line arguments and returns the exit status.
enum BenchCommand {
    static func run(arguments: [String]) -> Int32 {
        if arguments.isEmpty || arguments.contains("-h") || arguments.contains("--help") {
            print(BenchOptions.usage)
            return arguments.isEmpty ? 2 : 0
        }
        let options: BenchOptions
        switch BenchOptions.parse(arguments) {
        case .success(let parsed): options = parsed
        case .failure(let error):
            printError("Error: \(error.message)\n\n\(BenchOptions.usage)")
            return 2
        }
        let plan = BenchPlan(options, processID: ProcessInfo.processInfo.processIdentifier)
        let descriptorLimit = ProcessUsage.raiseOpenFileLimit()
        guard plan.connectionCount + 32 <= descriptorLimit else {
            printError(
                "Error: \(plan.connectionCount) connections need more descriptors than the limit of "
                    + "\(descriptorLimit) (ulimit -n).")
            return 1
        }
        let probe = options.brokerPID.map { BrokerProbe(processID: $0) }
        if let probe, probe.sample() == nil {
            printError("Error: cannot read /proc/\(probe.processID)/stat: no such broker process.")
            return 1
        }
        do {
            let address = try SocketAddress.resolve(host: options.host, port: options.port)
            var sources: [SocketAddress] = []
            for host in options.sourceHosts { sources.append(try SocketAddress.resolve(host: host, port: 0)) }
            let poller = try Poller(maximumEventsPerWait: 1024)
            let wakeUp = try WakeUp()
            var generator = try LoadGenerator(
                plan: plan, address: address, sources: sources, poller: poller, probe: probe)
            try runEventLoop(&generator, poller: poller, wakeUp: wakeUp)
            let report = generator.report(brokerPID: options.brokerPID)
            if options.json {
                printError(report.line)
                print(report.json)
            } else {
                print(report.line)
            }
            return generator.failure == nil ? 0 : 1
        } catch {
            printError("Error: \(error)")
            return 1
        }
    }

    private static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}

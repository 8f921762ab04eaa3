// `shop <role> [flags]`: reads the options, runs the role until it ends or a signal comes, and
// returns the exit status.

import Foundation
import MQTTClient
import OrderPipeline

/// The `shop` executable.
public enum ShopMain {
    /// Runs `shop` with `arguments` (without the program name); call from the main thread.
    public static func main(arguments: [String], environment: [String: String]) -> Int32 {
        ProcessSignals.block()
        let options: ShopOptions
        do {
            switch try ShopOptions.parse(arguments: arguments, environment: environment) {
            case .help(let role):
                ShopOutput.standard.report(ShopOptions.usage(for: role))
                return 0
            case .run(let parsed):
                options = parsed
            }
        } catch {
            ShopOutput.standard.error(error.description)
            return ShopOptionsError.exitCode
        }
        return runBlocking { await run(options, output: .standard) }
    }

    static func run(_ options: ShopOptions, output: ShopOutput) async -> Int32 {
        do {
            switch options.role {
            case .order: try await runAgent(OrderRule(), options, output)
            case .packaging: try await runAgent(PackagingRule(), options, output)
            case .shipping: try await runAgent(ShippingRule(), options, output)
            case .notification: try await runAgent(NotificationRule(), options, output)
            case .customer:
                let runner = try CustomerRunner(
                    plan: CustomerPlan(options: options), clientOptions: options.clientOptions(), qos: options.qos,
                    output: output)
                let watcher = Task {
                    for await _ in ProcessSignals.first() { await runner.stop() }
                }
                let summary = try await runner.run()
                watcher.cancel()
                return summary.exitStatus
            case .demo:
                return try await ShopDemo(options: options, output: output).run()
            }
            return 0
        } catch {
            output.error("shop \(options.role.rawValue): \(error)")
            return 1
        }
    }

    private static func runAgent<Rule: AgentRule>(_ rule: Rule, _ options: ShopOptions, _ output: ShopOutput)
        async throws
    {
        let runner = try AgentRunner(
            rule: rule, clientOptions: options.clientOptions(), qos: options.qos, workTime: workTime(options),
            output: output)
        let watcher = Task {
            for await _ in ProcessSignals.first() { await runner.stop() }
        }
        try await runner.run()
        watcher.cancel()
    }

    /// Only packaging and shipping simulate work.
    static func workTime(_ options: ShopOptions) -> Duration {
        options.role == .packaging || options.role == .shipping ? options.workTime : .zero
    }
}

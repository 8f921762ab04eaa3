// `shop demo` in-process: its own broker, the four agents and a customer, with the lines it
// prints collected instead of written.

import OrderPipeline
import Synchronization
import Testing

@testable import ShopAgents

@Test func theDemoDeliversEveryOrderAndPrintsTheFlow() async throws {
    var options = ShopOptions(role: .demo)
    options.count = 3
    options.rate = 100
    options.workTime = .zero
    let lines = Mutex<[String]>([])
    let output = ShopOutput(
        report: { line in lines.withLock { $0.append(line) } }, error: { line in lines.withLock { $0.append(line) } })
    // Generous bounds: the tests run in parallel, and synchronous wire tests can hold the two
    // cooperative threads of a 2-core machine for seconds.
    options.timeout = .seconds(30)
    let demo = ShopDemo(
        options: options, output: output, signals: { AsyncStream { _ in } }, subscribeTimeout: .seconds(60))
    let status = try await demo.run()
    let printed = lines.withLock { $0 }
    #expect(status == 0)
    for tag in ["[ORDER] accepted", "[PACKAGING] packaged", "[SHIPPING] shipped", "[NOTIFICATION] Shipment delivered"] {
        #expect(printed.filter { $0.hasPrefix(tag) }.count == 3, "\(tag) in \(printed)")
    }
    #expect(printed.contains { $0.hasPrefix("[CUSTOMER] 3 orders: 3 delivered, 0 rejected, 0 timed out") })
    #expect(
        printed.contains("[CUSTOMER] result placed=3 delivered=3 rejected=0 timed-out=0 pending=0 repeated=0 unknown=0")
    )
}

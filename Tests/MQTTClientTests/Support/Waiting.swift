import MQTTClient
import Synchronization

struct TimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out: \(what)" }
}

/// Runs `body`, failing with `TimedOut` after `seconds`.
func within<T: Sendable>(
    _ seconds: Double, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw TimedOut(what: what) }
        return value
    }
}

/// The next `count` messages of `stream`.
func collect(_ stream: MessageStream, count: Int, seconds: Double = 10) async throws -> [ReceivedMessage] {
    try await within(seconds, "\(count) messages") {
        var messages: [ReceivedMessage] = []
        for try await message in stream {
            messages.append(message)
            if messages.count == count { break }
        }
        return messages
    }
}

/// Packets a client sent or received, recorded by its trace hook.
final class PacketLog: Sendable {
    private let entries = Mutex<[PacketTrace]>([])

    var hook: @Sendable (PacketTrace) -> Void { { [self] entry in entries.withLock { $0.append(entry) } } }

    var sentTypes: [String] {
        entries.withLock { entries in
            entries.compactMap { if case .sent(let packet) = $0 { "\(packet.type)" } else { nil } }
        }
    }

    /// Waits until a packet of `type` was sent.
    func waitForSent(_ type: String, seconds: Double = 5) async throws {
        for _ in 0..<Int(seconds * 100) {
            if sentTypes.contains(type) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TimedOut(what: "\(type) sent")
    }
}

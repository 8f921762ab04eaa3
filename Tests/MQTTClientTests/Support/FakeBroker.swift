import Foundation

/// A scripted broker in python3 for what no real broker does on request (refusing a subscription
/// at a chosen moment). The script prints its port on the first line and a report on the last,
/// and must end by itself within its own time-outs.
final class FakeBroker {
    let port: UInt16
    private let process: Process
    private let output: FileHandle
    private var text: String

    init(script: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        output = pipe.fileHandleForReading
        try process.run()
        text = ""
        while !text.contains("\n") {
            let data = output.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let first = text.split(separator: "\n").first, let port = UInt16(first) else {
            process.terminate()
            throw FakeBrokerError.noPort(text)
        }
        self.port = port
    }

    /// Waits for the script to end; returns its last line.
    func finish() throws -> String {
        text += String(decoding: output.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.split(separator: "\n").last.map(String.init) ?? ""
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}

enum FakeBrokerError: Error {
    case noPort(String)
}

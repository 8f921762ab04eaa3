import Foundation
import Synchronization
import Testing

@testable import MQTTBroker

/// Keeps every line written to it.
final class CapturedLog: LogOutput {
    private let captured = Mutex<[(LogType, String)]>([])

    func write(line: String, type: LogType) {
        captured.withLock { $0.append((type, line)) }
    }

    var lines: [String] { captured.withLock { $0.map(\.1) } }
    var types: [LogType] { captured.withLock { $0.map(\.0) } }
}

private let november2023: @Sendable () -> Int = { 1_700_000_000 }

private func capturingLog(_ edit: (inout LogConfiguration) -> Void = { _ in }) -> (BrokerLog, CapturedLog) {
    var configuration = LogConfiguration()
    configuration.destinations = .none
    edit(&configuration)
    let capture = CapturedLog()
    // Cannot throw: no log file is configured.
    let log = try! BrokerLog(configuration: configuration, additionalOutputs: [capture], clock: november2023)
    return (log, capture)
}

@Test func linesHaveMosquittosShape() {
    let (log, capture) = capturingLog()
    log.log(.notice, "New client connected from 127.0.0.1:50000 as ID (p2, c1, k60).")
    #expect(capture.lines == ["1700000000: New client connected from 127.0.0.1:50000 as ID (p2, c1, k60)."])
    #expect(capture.types == [.notice])
}

@Test func timestampCanBeOffOrFormatted() {
    var (log, capture) = capturingLog { $0.timestamp = false }
    log.log(.error, "plain")
    #expect(capture.lines == ["plain"])

    // %Y is 2023 in every time zone at this instant; %s is Unix seconds whatever the zone.
    (log, capture) = capturingLog { $0.timestampFormat = "%Y [%s]" }
    log.log(.error, "formatted")
    #expect(capture.lines == ["2023 [1700000000]: formatted"])

    (log, capture) = capturingLog {
        $0.timestamp = false
        $0.timestampFormat = "%Y"
    }
    log.log(.error, "off wins")
    #expect(capture.lines == ["off wins"])
}

private let logTypeCases: [(LogTypes, [LogType])] = [
    (.standard, [.error, .warning, .notice, .information]),
    (.all, LogType.allCases),
    ([], []),
    ([.debug, .subscribe], [.debug, .subscribe]),
]

@Test(arguments: logTypeCases)
func logTypeSelectsCategories(_ types: LogTypes, _ written: [LogType]) {
    let (log, capture) = capturingLog { $0.types = types }
    for type in LogType.allCases {
        log.log(type, type.configurationName)
        #expect(log.isEnabled(type) == written.contains(type))
    }
    #expect(capture.types == written)
}

@Test func filteredMessagesAreNeverBuilt() {
    let (log, capture) = capturingLog()
    var built = 0
    func expensive() -> String {
        built += 1
        return "expensive"
    }
    log.log(.debug, expensive())
    #expect(built == 0)
    log.log(.error, expensive())
    #expect(built == 1)
    #expect(capture.lines == ["1700000000: expensive"])
}

@Test func withNowhereToWriteNothingIsEnabled() throws {
    let log = try BrokerLog(configuration: LogConfiguration(), additionalOutputs: [])
    #expect(log.isEnabled(.error))
    var configuration = LogConfiguration()
    configuration.destinations = .none
    configuration.types = .all
    let silent = try BrokerLog(configuration: configuration)
    #expect(LogType.allCases.allSatisfy { !silent.isEnabled($0) })
    #expect(LogType.allCases.allSatisfy { !BrokerLog.disabled.isEnabled($0) })
}

@Test func connectionMessagesAndTopicAreExposed() throws {
    var configuration = LogConfiguration()
    configuration.destinations = LogDestinations(topic: true)
    configuration.connectionMessages = false
    let log = try BrokerLog(configuration: configuration)
    #expect(log.publishesToTopic)
    #expect(!log.connectionMessages)
    #expect(!log.isEnabled(.error), "topic lines come from an output the broker adds")
}

// MARK: Log file

private func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("starling-\(UUID())-\(name)").path
}

private func fileLog(_ path: String) throws -> BrokerLog {
    var configuration = LogConfiguration()
    configuration.destinations = LogDestinations(file: path)
    configuration.types = .all
    return try BrokerLog(configuration: configuration, clock: november2023)
}

@Test func fileIsAppendedTo() throws {
    let path = temporaryPath("append.log")
    defer { try? FileManager.default.removeItem(atPath: path) }
    try "earlier\n".write(toFile: path, atomically: true, encoding: .utf8)
    let log = try fileLog(path)
    log.log(.information, "one")
    log.log(.debug, "two")
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "earlier\n1700000000: one\n1700000000: two\n")
}

@Test func linesFromManyThreadsNeverInterleave() throws {
    let path = temporaryPath("threads.log")
    defer { try? FileManager.default.removeItem(atPath: path) }
    let log = try fileLog(path)
    let threads = 4
    let linesPerThread = 300
    DispatchQueue.concurrentPerform(iterations: threads) { thread in
        let body = String(repeating: Character(String(thread)), count: 2000)
        for index in 0..<linesPerThread {
            log.log(.notice, "\(thread) \(index) \(body)")
        }
    }
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == threads * linesPerThread)
    for line in lines {
        let words = line.split(separator: " ")
        #expect(words.count == 4 && words[0] == "1700000000:")
        #expect(words.count == 4 && words[3] == String(repeating: Character(String(words[1])), count: 2000))
    }
}

@Test func reopenFollowsARotatedFile() throws {
    let path = temporaryPath("rotate.log")
    defer {
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.removeItem(atPath: path + ".1")
    }
    let log = try fileLog(path)
    log.log(.notice, "before")
    try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
    log.log(.notice, "still the old file")
    try log.reopenFile()
    log.log(.notice, "after")
    #expect(
        try String(contentsOfFile: path + ".1", encoding: .utf8)
            == "1700000000: before\n1700000000: still the old file\n")
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "1700000000: after\n")
}

@Test func unopenableFileIsAnError() {
    #expect(throws: LogFileError(path: "/nonexistent-directory/x.log", errorNumber: ENOENT)) {
        try fileLog("/nonexistent-directory/x.log")
    }
    #expect(
        LogFileError(path: "/nonexistent-directory/x.log", errorNumber: ENOENT).description
            == "Error: Unable to open log file /nonexistent-directory/x.log for writing: No such file or directory.")
}

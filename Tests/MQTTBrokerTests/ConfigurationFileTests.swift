import Foundation
import Testing

@testable import MQTTBroker

@Test func commentsBlankLinesAndWhitespace() throws {
    let text = """
        # Starling
        \t
          # an indented comment
        \tmax_inflight_messages   7\t
        max_queued_messages 8 # a comment after a value
        listener 1884 # all interfaces

        """
    let loaded = try load(text.replacingOccurrences(of: "\n", with: "\r\n"))
    #expect(loaded.configuration.maxInflightMessages == 7)
    #expect(loaded.configuration.maxQueuedMessages == 8)
    #expect(loaded.configuration.listeners == [ListenerConfiguration(port: 1884)])
    #expect(loaded.warnings.isEmpty)
}

@Test func lineNumbersCountEveryLine() {
    #expect(
        loadError("# a\n\n   \n\r\nbogus 1") == #"Error: /etc/starling.conf:5: "bogus" is not a configuration key."#)
}

@Test func missingConfigFileIsAnError() {
    let loader = ConfigurationLoader(fileSystem: InMemoryFileSystem(files: [:]))
    #expect(throws: ConfigurationError.unreadableFile(path: "/etc/none.conf", reason: "no such file")) {
        try loader.load(fromFile: "/etc/none.conf")
    }
    #expect(
        ConfigurationError.unreadableFile(path: "/etc/none.conf", reason: "no such file").description
            == #"Error: cannot read configuration file "/etc/none.conf": no such file."#)
}

// MARK: include_dir

@Test func includeDirReadsConfFilesInMosquittoOrderAtThePointOfInclusion() throws {
    // mosquitto.conf(5): "upper case of each letter ordered before the lower case of the same letter".
    let names = ["b.conf", "A.conf", "01.conf", "a.conf", "B.conf", "00.conf", "_x.conf", "Z.conf"]
    var files: [String: String] = [:]
    for (index, name) in names.enumerated() {
        files["/etc/starling.d/\(name)"] = "max_inflight_messages \(index)\nlog_type \(["debug", "error"][index % 2])"
    }
    files["/etc/starling.d/notes.txt"] = "not configuration"
    files["/etc/starling.d/.conf"] = "not read: nothing before .conf"
    let loaded = try load("max_inflight_messages 100\ninclude_dir /etc/starling.d\nmax_queued_messages 5", files: files)
    // The last file read, in mosquitto's order, is _x.conf (index 6).
    #expect(loaded.configuration.maxInflightMessages == 6)
    #expect(loaded.configuration.maxQueuedMessages == 5)
    #expect(loaded.configuration.logging.types == [.debug, .error])
    let order = ["00.conf", "01.conf", "A.conf", "a.conf", "B.conf", "b.conf", "Z.conf", "_x.conf"]
    #expect(names.sorted(by: ConfigurationLoader.precedesInMosquittoOrder) == order)
}

@Test func includeDirsAreReadOneAfterTheOther() throws {
    let files = [
        "/one.d/B.conf": "pid_file /b", "/one.d/C.conf": "sys_interval 3",
        "/two.d/A.conf": "sys_interval 4", "/two.d/D.conf": "acl_file /d",
    ]
    let configuration = try load("include_dir /one.d\ninclude_dir /two.d/", files: files).configuration
    #expect(configuration.sysInterval == 4)
    #expect(configuration.pidFile == "/b")
    #expect(configuration.aclFile == "/d")
}

@Test func anErrorInAnIncludedFileNamesThatFileAndLine() {
    let files = ["/etc/starling.d/a.conf": "sys_interval 5", "/etc/starling.d/b.conf": "# b\nbogus_key 3"]
    #expect(
        loadError("include_dir /etc/starling.d", files: files)
            == #"Error: /etc/starling.d/b.conf:2: "bogus_key" is not a configuration key."#)
    #expect(
        loadError("pid_file /a\ninclude_dir /etc/starling.d", files: ["/etc/starling.d/x.conf": "pid_file /b"])
            == "Error: /etc/starling.d/x.conf:1: pid_file: already set at /etc/starling.conf:1.")
}

@Test func warningsInIncludedFilesNameThatFile() throws {
    let loaded = try load("include_dir /etc/starling.d", files: ["/etc/starling.d/a.conf": "\nuser mosquitto"])
    #expect(loaded.warnings.map(\.location) == [ConfigurationLocation(file: "/etc/starling.d/a.conf", line: 2)])
}

@Test func includeDirInsideAnIncludedFileIsIgnored() throws {
    let files = ["/etc/starling.d/a.conf": "include_dir /more.d", "/more.d/b.conf": "sys_interval 1"]
    let loaded = try load("include_dir /etc/starling.d", files: files)
    #expect(loaded.configuration.sysInterval == 10)
    #expect(
        loaded.warnings.map(\.description) == [
            "Warning: /etc/starling.d/a.conf:1: include_dir: read only in the main configuration file, as in "
                + "Mosquitto; ignored."
        ])
}

@Test func unreadableIncludesAreErrorsAtTheIncludeDirLine() {
    #expect(
        loadError("\ninclude_dir /missing.d")
            == #"Error: /etc/starling.conf:2: include_dir: cannot open directory "/missing.d": no such directory."#)
    #expect(
        loadError("include_dir /etc/starling.d", files: ["/etc/starling.d/sub.conf/x": ""])
            == #"Error: /etc/starling.conf:1: include_dir: cannot read "/etc/starling.d/sub.conf": is a directory."#)
}

// MARK: Debian's stock configuration

/// Tests/MQTTBrokerTests/Fixtures/debian: /etc/mosquitto of Debian's mosquitto 2.0.11-1.2+deb12u2, unchanged.
let debianFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
    "Fixtures/debian")

@Test func debianStockConfigurationLoadsUnchanged() throws {
    let conf = try String(contentsOf: debianFixtures.appendingPathComponent("mosquitto.conf"), encoding: .utf8)
    let readme = try String(contentsOf: debianFixtures.appendingPathComponent("conf.d/README"), encoding: .utf8)
    let fileSystem = InMemoryFileSystem(files: [
        "/etc/mosquitto/mosquitto.conf": conf, "/etc/mosquitto/conf.d/README": readme,
    ])
    let loaded = try ConfigurationLoader(fileSystem: fileSystem).load(fromFile: "/etc/mosquitto/mosquitto.conf")
    #expect(loaded.warnings.isEmpty)
    var expected = BrokerConfiguration()
    expected.pidFile = "/run/mosquitto/mosquitto.pid"
    expected.persistence.isEnabled = true
    expected.persistence.location = "/var/lib/mosquitto/"
    expected.logging.destinations = LogDestinations(file: "/var/log/mosquitto/mosquitto.log")
    #expect(loaded.configuration == expected)
}

@Test(.enabled(if: FileManager.default.fileExists(atPath: "/etc/mosquitto/mosquitto.conf")))
func installedMosquittoConfigurationLoads() throws {
    _ = try BrokerConfiguration.load(fromFile: "/etc/mosquitto/mosquitto.conf")
}

@Test func localFileSystemReadsFilesAndDirectories() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("starling-config-\(UUID())")
    try FileManager.default.createDirectory(
        at: directory.appendingPathComponent("conf.d"), withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let main = directory.appendingPathComponent("main.conf").path
    try "include_dir \(directory.path)/conf.d\nlistener 1884".write(toFile: main, atomically: true, encoding: .utf8)
    try "max_keepalive 60".write(
        toFile: directory.appendingPathComponent("conf.d/a.conf").path, atomically: true, encoding: .utf8)
    let configuration = try BrokerConfiguration.load(fromFile: main).configuration
    #expect(configuration.maxKeepalive == 60)
    #expect(configuration.listeners == [ListenerConfiguration(port: 1884)])
    #expect(throws: ConfigurationError.unreadableFile(path: directory.path, reason: "is a directory")) {
        try BrokerConfiguration.load(fromFile: directory.path)
    }
}

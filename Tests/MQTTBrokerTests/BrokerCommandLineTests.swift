import Testing

@testable import MQTTBroker

private let files = [
    "/etc/listeners.conf": "listener 1884\nlog_type error",
    "/etc/limits.conf": "max_inflight_messages 5",
    "/etc/second.conf": "max_queued_messages 7",
]

private func launch(_ arguments: [String], processorCount: Int = 2) throws -> BrokerLaunch {
    let commandLine = try BrokerCommandLine(arguments: arguments)
    let loader = ConfigurationLoader(fileSystem: InMemoryFileSystem(files: files))
    return try commandLine.launch(processorCount: processorCount, loader: loader)
}

private func loopback(_ port: UInt16) -> [ListenerConfiguration] {
    ListenerConfiguration.localOnly(port: port)
}

@Test func noArgumentsRunMosquittosDefaults() throws {
    let launch = try launch([], processorCount: 4)
    #expect(try BrokerCommandLine(arguments: []).request == .run)
    #expect(launch.configuration == BrokerConfiguration())
    #expect(launch.threads == 4)
    #expect(launch.configFiles.isEmpty)
    #expect(launch.warnings.isEmpty)
}

@Test(arguments: [["-c", "/etc/limits.conf"], ["--config-file", "/etc/limits.conf"]])
func configFileIsRead(_ arguments: [String]) throws {
    let launch = try launch(arguments)
    #expect(launch.configuration.maxInflightMessages == 5)
    #expect(launch.configFiles == ["/etc/limits.conf"])
}

@Test func severalConfigFilesAreReadInOrderAsMosquittoDoes() throws {
    let configuration = try launch(["-c", "/etc/limits.conf", "-c", "/etc/second.conf"]).configuration
    #expect(configuration.maxInflightMessages == 5)
    #expect(configuration.maxQueuedMessages == 7)
}

@Test func portsReplace1883OnLoopbackInLocalOnlyMode() throws {
    #expect(try launch(["-p", "1884"]).configuration.listeners == loopback(1884))
    #expect(
        try launch(["--port", "1884", "-p", "1885", "-p", "1884"]).configuration.listeners == loopback(1884)
            + loopback(1885))
    #expect(try launch(["-c", "/etc/limits.conf", "-p", "1886"]).configuration.listeners == loopback(1886))
    #expect(try launch(["-p", "1886"]).configuration.allowAnonymous)
}

@Test func portsAreIgnoredWhenTheConfigurationDefinesListeners() throws {
    let launch = try launch(["-p", "1885", "-c", "/etc/listeners.conf"])
    #expect(launch.configuration.listeners == [ListenerConfiguration(port: 1884)])
    #expect(
        launch.warnings.map(\.description) == [
            "Warning: -p: ignored because the configuration defines listeners (as in mosquitto)."
        ])
}

@Test func verboseLogsEveryCategoryWhateverTheConfigurationSays() throws {
    #expect(try launch(["-v", "-c", "/etc/listeners.conf"]).configuration.logging.types == .all)
    #expect(try launch(["--verbose"]).configuration.logging.types == .all)
}

@Test func daemonIsAcceptedWithAWarning() throws {
    let launch = try launch(["-d"])
    #expect(launch.configuration == BrokerConfiguration())
    #expect(
        launch.warnings.map(\.description) == [
            "Warning: -d: Starling does not put itself in the background; run it under a service manager. Ignored."
        ])
    #expect(try BrokerCommandLine(arguments: ["--daemon"]).daemon)
}

@Test func threads() throws {
    #expect(try launch(["--threads", "3"], processorCount: 2).threads == 3)
    #expect(try launch([], processorCount: 0).threads == 1)
}

@Test(arguments: [["-h"], ["--help"], ["-h", "-x"], ["-v", "--help", "-p"]])
func helpStopsReading(_ arguments: [String]) throws {
    #expect(try BrokerCommandLine(arguments: arguments).request == .help)
}

@Test func version() throws {
    #expect(try BrokerCommandLine(arguments: ["--version"]).request == .version)
    #expect(BrokerCommandLine.versionLine == "starling version \(BrokerCommandLine.version)")
}

@Test(arguments: [
    (["-x"], "Error: Unknown option '-x'.", true),
    (["-c", "/etc/limits.conf", "--bogus"], "Error: Unknown option '--bogus'.", true),
    (["-x", "-h"], "Error: Unknown option '-x'.", true),
    (["/etc/mosquitto.conf"], "Error: Unknown option '/etc/mosquitto.conf'.", true),
    (["-p"], "Error: -p argument given, but no port specified.", false),
    (["-c"], "Error: -c argument given, but no config file specified.", false),
    (["--threads"], "Error: --threads argument given, but no thread count specified.", false),
    (["-p", "0"], "Error: Invalid port specified (0).", false),
    (["-p", "65536"], "Error: Invalid port specified (65536).", false),
    (["-p", "1883x"], "Error: Invalid port specified (1883x).", false),
    (["-p", "-1"], "Error: Invalid port specified (-1).", false),
    (["--threads", "0"], "Error: Invalid thread count specified (0); it must be between 1 and 1024.", false),
    (["--threads", "two"], "Error: Invalid thread count specified (two); it must be between 1 and 1024.", false),
])
func badCommandLine(_ arguments: [String], _ message: String, _ showsUsage: Bool) {
    do {
        _ = try BrokerCommandLine(arguments: arguments)
        Issue.record("\(arguments) was accepted")
    } catch {
        #expect(error.description == message)
        #expect(error.showsUsage == showsUsage)
    }
    #expect(BrokerCommandLine.errorExitCode == 3)
}

@Test func aBadConfigFileFailsTheLaunch() {
    #expect(throws: ConfigurationError.unreadableFile(path: "/etc/missing.conf", reason: "no such file")) {
        try launch(["-c", "/etc/missing.conf"])
    }
}

@Test func usageIsMosquittosPlusThreadsAndVersion() {
    let usage = BrokerCommandLine.usage(processorCount: 2)
    #expect(usage.hasPrefix("starling version \(BrokerCommandLine.version)\n\nstarling is an MQTT v3.1.1 broker.\n"))
    #expect(usage.contains("Usage: starling [-c config_file] [-d] [-h] [-p port] [-v] [--threads count] [--version]\n"))
    for option in [" -c : ", " -d : ", " -h : ", " -p : ", " -v : ", " --threads : ", " --version : "] {
        #expect(usage.contains("\n" + option), "usage lacks \(option)")
    }
    #expect(usage.contains("one per core, 2 here"))
}

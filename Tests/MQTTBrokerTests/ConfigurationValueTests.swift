import Foundation
import Testing

@testable import MQTTBroker

/// A configuration text and what it must set.
struct GoodValue: Sendable, CustomTestStringConvertible {
    let text: String
    let check: @Sendable (BrokerConfiguration) -> Bool

    init(_ text: String, _ check: @escaping @Sendable (BrokerConfiguration) -> Bool) {
        self.text = text
        self.check = check
    }

    var key: String { String(text.prefix(while: { $0 != " " })) }
    var testDescription: String { text.replacingOccurrences(of: "\n", with: " | ") }
}

/// At least one accepted value for every honoured key.
let goodValues: [GoodValue] = [
    GoodValue("acl_file /etc/mosquitto/acl") { $0.aclFile == "/etc/mosquitto/acl" },
    GoodValue("allow_anonymous true\nlistener 1883") { $0.allowAnonymous },
    GoodValue("allow_anonymous 0\nlistener 1883") { !$0.allowAnonymous },
    GoodValue("allow_zero_length_clientid false") { !$0.allowZeroLengthClientID },
    GoodValue("auto_id_prefix starling-") { $0.autoIDPrefix == "starling-" },
    GoodValue("autosave_interval 0") { $0.persistence.autosaveInterval == 0 },
    GoodValue("autosave_interval 60") { $0.persistence.autosaveInterval == 60 },
    GoodValue("bind_address 127.0.0.1") { $0.listeners == [ListenerConfiguration(port: 1883, address: "127.0.0.1")] },
    GoodValue("connection_messages false") { !$0.logging.connectionMessages },
    GoodValue("include_dir /etc/starling.d") { $0 == BrokerConfiguration() },
    GoodValue("listener 1884") { $0.listeners == [ListenerConfiguration(port: 1884)] },
    GoodValue("listener 1884 ::1") { $0.listeners == [ListenerConfiguration(port: 1884, address: "::1")] },
    GoodValue("log_dest stdout") { $0.logging.destinations == LogDestinations(standardOutput: true) },
    GoodValue("log_dest file /var/log/starling.log") {
        $0.logging.destinations == LogDestinations(file: "/var/log/starling.log")
    },
    GoodValue("log_dest topic") { $0.logging.destinations == LogDestinations(topic: true) },
    GoodValue("log_dest none") { $0.logging.destinations == .none },
    GoodValue("log_timestamp false") { !$0.logging.timestamp },
    GoodValue("log_timestamp_format %Y-%m-%dT%H:%M:%S") { $0.logging.timestampFormat == "%Y-%m-%dT%H:%M:%S" },
    GoodValue("log_type debug") { $0.logging.types == .debug },
    GoodValue("log_type all") { $0.logging.types == .all },
    GoodValue("max_connections 10") { $0.listeners.allSatisfy { $0.maxConnections == 10 } },
    GoodValue("max_connections -1") { $0.listeners.allSatisfy { $0.maxConnections == nil } },
    GoodValue("max_inflight_messages 0") { $0.maxInflightMessages == 0 },
    GoodValue("max_inflight_messages 65535") { $0.maxInflightMessages == 65535 },
    GoodValue("max_keepalive 10") { $0.maxKeepalive == 10 },
    GoodValue("max_packet_size 20") { $0.maxPacketSize == 20 },
    GoodValue("max_packet_size 268435460") { $0.maxPacketSize == 268_435_460 },
    GoodValue("max_queued_bytes 1048576") { $0.maxQueuedBytes == 1_048_576 },
    GoodValue("max_queued_messages 0") { $0.maxQueuedMessages == 0 },
    GoodValue("message_size_limit 268435455") { $0.messageSizeLimit == 268_435_455 },
    GoodValue("password_file /etc/mosquitto/passwd") { $0.passwordFile == "/etc/mosquitto/passwd" },
    GoodValue("persistence true") { $0.persistence.isEnabled },
    GoodValue("persistence_file broker.db") { $0.persistence.filePath == "broker.db" },
    GoodValue("persistence_location /var/lib/starling/") {
        $0.persistence.filePath == "/var/lib/starling/starling.db"
    },
    GoodValue("persistent_client_expiration 2h") { $0.persistentClientExpiration == 7200 },
    GoodValue("persistent_client_expiration 14d") { $0.persistentClientExpiration == 14 * 86400 },
    GoodValue("persistent_client_expiration 1w") { $0.persistentClientExpiration == 7 * 86400 },
    GoodValue("persistent_client_expiration 2m") { $0.persistentClientExpiration == 60 * 86400 },
    GoodValue("persistent_client_expiration 1y") { $0.persistentClientExpiration == 365 * 86400 },
    GoodValue("pid_file /run/starling.pid") { $0.pidFile == "/run/starling.pid" },
    GoodValue("port 1884") { $0.listeners == [ListenerConfiguration(port: 1884)] },
    GoodValue("queue_qos0_messages true") { $0.queueQoS0Messages },
    GoodValue("retain_available false") { !$0.retainAvailable },
    GoodValue("set_tcp_nodelay true") { $0.setTCPNoDelay },
    GoodValue("socket_domain ipv6\nport 1884") {
        $0.listeners == [ListenerConfiguration(port: 1884, socketDomain: .ipv6)]
    },
    GoodValue("sys_interval 0") { $0.sysInterval == 0 },
    GoodValue("sys_interval 65535") { $0.sysInterval == 65535 },
    GoodValue("upgrade_outgoing_qos true") { $0.upgradeOutgoingQoS },
]

@Test(arguments: goodValues)
func honouredKeyAcceptsGoodValue(_ value: GoodValue) throws {
    let loaded = try load(value.text)
    #expect(value.check(loaded.configuration))
    #expect(loaded.warnings.isEmpty)
}

@Test func everyHonouredKeyHasAGoodValueCase() {
    let covered = Set(goodValues.map(\.key))
    for key in HonouredKey.allCases {
        #expect(covered.contains(key.rawValue), "no good-value case for \(key.rawValue)")
    }
}

/// Each bad value with the exact error it raises.
let badValues: [(text: String, error: String)] = [
    ("max_inflight_messages abc", #"max_inflight_messages: "abc" is not a number"#),
    ("max_inflight_messages 65536", "max_inflight_messages: 65536 is out of range (0 to 65535)"),
    ("max_inflight_messages -1", "max_inflight_messages: -1 is out of range (0 to 65535)"),
    ("max_inflight_messages 10 20", #"max_inflight_messages: unexpected "20" after the value"#),
    ("max_inflight_messages 0x10", #"max_inflight_messages: "0x10" is not a number"#),
    ("max_inflight_messages", "max_inflight_messages: missing value"),
    ("max_queued_messages -3", "max_queued_messages: -3 is out of range (0 to 2147483647)"),
    (
        "max_queued_bytes 99999999999999999999",
        "max_queued_bytes: 99999999999999999999 is out of range (0 to 9223372036854775807)"
    ),
    ("message_size_limit 268435456", "message_size_limit: 268435456 is out of range (0 to 268435455)"),
    ("max_keepalive 9", "max_keepalive: 9 is out of range (10 to 65535)"),
    ("max_keepalive 65536", "max_keepalive: 65536 is out of range (10 to 65535)"),
    ("max_packet_size 19", "max_packet_size: 19 is out of range (20 to 268435460)"),
    ("sys_interval 1.5", #"sys_interval: "1.5" is not a number"#),
    ("sys_interval 65536", "sys_interval: 65536 is out of range (0 to 65535)"),
    ("autosave_interval -5", "autosave_interval: -5 is out of range (0 to 2147483647)"),
    ("allow_anonymous yes", #"allow_anonymous: "yes" is not true or false"#),
    ("retain_available TRUE", #"retain_available: "TRUE" is not true or false"#),
    ("persistence", "persistence: missing value"),
    (
        "persistent_client_expiration 5",
        #"persistent_client_expiration: "5" is not a duration (a positive number followed by h, d, w, m or y)"#
    ),
    (
        "persistent_client_expiration 0h",
        #"persistent_client_expiration: "0h" is not a duration (a positive number followed by h, d, w, m or y)"#
    ),
    (
        "persistent_client_expiration 3x",
        #"persistent_client_expiration: "3x" is not a duration (a positive number followed by h, d, w, m or y)"#
    ),
    ("pid_file", "pid_file: missing value"),
    ("listener abc", #"listener: "abc" is not a number"#),
    ("listener 65536", "listener: 65536 is out of range (0 to 65535)"),
    ("listener 0 /run/mqtt.sock", "listener: port 0 makes a Unix socket listener, which Starling does not support"),
    ("listener 1883 127.0.0.1 extra", #"listener: unexpected "extra" after the value"#),
    ("listener", "listener: missing value"),
    ("port 0", "port: 0 is out of range (1 to 65535)"),
    ("max_connections -2", "max_connections: -2 is out of range (-1 to 2147483647)"),
    ("socket_domain ipv5", #"socket_domain: "ipv5" is not one of ipv4, ipv6"#),
    ("log_dest foo", #"log_dest: "foo" is not one of stderr, stdout, file, syslog, topic, dlt, none"#),
    ("log_dest file", "log_dest file: missing value"),
    ("log_dest stdout stderr", #"log_dest: unexpected "stderr" after the value"#),
    ("log_dest", "log_dest: missing value"),
    (
        "log_type foo",
        #"log_type: "foo" is not one of error, warning, notice, information, debug, subscribe, unsubscribe, "#
            + "websockets, internal, none, all"
    ),
    ("log_type error warning", #"log_type: unexpected "warning" after the value"#),
    ("include_dir", "include_dir: missing value"),
]

@Test(arguments: badValues)
func badValueIsAnErrorNamingFileAndLine(_ text: String, _ error: String) {
    #expect(loadError("# first line is a comment\n" + text) == "Error: /etc/starling.conf:2: \(error).")
}

@Test func theExampleErrorOfTheBrief() {
    let text = String(repeating: "\n", count: 11) + "max_inflight_messages abc"
    #expect(loadError(text) == #"Error: /etc/starling.conf:12: max_inflight_messages: "abc" is not a number."#)
}

@Test(arguments: [
    "acl_file", "auto_id_prefix", "bind_address", "log_timestamp_format", "password_file", "persistence_file",
    "persistence_location", "pid_file",
])
func textKeysTakeOneValue(_ key: String) {
    #expect(
        loadError("\(key) a\n\(key) b") == "Error: /etc/starling.conf:2: \(key): already set at /etc/starling.conf:1.")
}

@Test func secondLogFileIsAnError() {
    #expect(
        loadError("log_dest file /a.log\nlog_dest none\nlog_dest file /b.log")
            == "Error: /etc/starling.conf:3: log_dest file: already set at /etc/starling.conf:1.")
}

@Test func numbersAndBooleansTakeTheLastValue() throws {
    let configuration = try load(
        "max_inflight_messages 3\nmax_inflight_messages 4\npersistence true\npersistence false"
    )
    .configuration
    #expect(configuration.maxInflightMessages == 4)
    #expect(!configuration.persistence.isEnabled)
}

@Test func textValuesKeepSpacesAndHashes() throws {
    let configuration = try load("log_dest file   /var/log/my log#1.log  \nlog_timestamp_format %H:%M # local")
        .configuration
    #expect(configuration.logging.destinations.file == "/var/log/my log#1.log")
    #expect(configuration.logging.timestampFormat == "%H:%M # local")
}

import Testing

@testable import MQTTBroker

// Each expectation here was first observed on mosquitto 2.0.11 (`ss -ltn` for the sockets,
// mosquitto_pub for anonymous access); see docs/configuration.md.

let loopback1883 = [
    ListenerConfiguration(port: 1883, address: "127.0.0.1", socketDomain: .ipv4),
    ListenerConfiguration(port: 1883, address: "::1", socketDomain: .ipv6),
]

@Test func defaultsAreMosquittosLocalOnlyMode() throws {
    let configuration = BrokerConfiguration()
    #expect(configuration.isLocalOnly)
    #expect(configuration.listeners == loopback1883)
    #expect(configuration.allowAnonymous)
    #expect(configuration.allowZeroLengthClientID)
    #expect(configuration.autoIDPrefix == "auto-")
    #expect(configuration.maxInflightMessages == 20)
    #expect(configuration.maxQueuedMessages == 1000)
    #expect(configuration.maxQueuedBytes == 0)
    #expect(configuration.messageSizeLimit == 0)
    #expect(configuration.maxPacketSize == nil)
    #expect(configuration.maxKeepalive == 65535)
    #expect(configuration.retainAvailable)
    #expect(!configuration.queueQoS0Messages)
    #expect(!configuration.upgradeOutgoingQoS)
    #expect(!configuration.setTCPNoDelay)
    #expect(configuration.persistentClientExpiration == nil)
    #expect(configuration.sysInterval == 10)
    #expect(!configuration.persistence.isEnabled)
    #expect(configuration.persistence.filePath == "starling.db")
    #expect(configuration.persistence.autosaveInterval == 1800)
    #expect(configuration.pidFile == nil)
    #expect(configuration.logging.destinations == .standardError)
    #expect(configuration.logging.types == [.error, .warning, .notice, .information])
    #expect(configuration.logging.timestamp)
    #expect(configuration.logging.timestampFormat == nil)
    #expect(configuration.logging.connectionMessages)
    #expect(try load("").configuration == configuration)
}

@Test func aFileWithoutListenersStaysLocalOnly() throws {
    let configuration = try load("max_inflight_messages 5\nallow_anonymous true").configuration
    #expect(configuration.isLocalOnly)
    #expect(configuration.listeners == loopback1883)
}

@Test func localOnlyModeAllowsAnonymousEvenWhenToldNotTo() throws {
    let loaded = try load("allow_anonymous false")
    #expect(loaded.configuration.allowAnonymous)
    #expect(
        loaded.warnings.map(\.description) == [
            "Warning: /etc/starling.conf:1: allow_anonymous: false has no effect in local only mode, where anonymous "
                + "clients may connect from this machine (as in Mosquitto); define a listener to require a user name."
        ])
}

@Test(arguments: ["listener 1883", "port 1883", "bind_address 0.0.0.0"])
func aListenerMakesAnonymousAccessOptIn(_ text: String) throws {
    let configuration = try load(text).configuration
    #expect(!configuration.isLocalOnly)
    #expect(!configuration.allowAnonymous)
    #expect(try load(text + "\nallow_anonymous true").configuration.allowAnonymous)
    #expect(try load("allow_anonymous true\n" + text).configuration.allowAnonymous)
}

@Test func listenerWithoutAddressBindsAllInterfaces() throws {
    let listeners = try load("listener 1883\nlistener 8883 192.0.2.2\nlistener 1884 localhost").configuration.listeners
    #expect(
        listeners == [
            ListenerConfiguration(port: 1883), ListenerConfiguration(port: 8883, address: "192.0.2.2"),
            ListenerConfiguration(port: 1884, address: "localhost"),
        ])
}

@Test func theDefaultListenerOpensAfterTheExplicitOnes() throws {
    let listeners = try load("port 1884\nlistener 1885\nbind_address 127.0.0.1").configuration.listeners
    #expect(listeners == [ListenerConfiguration(port: 1885), ListenerConfiguration(port: 1884, address: "127.0.0.1")])
}

@Test func listenerOptionsApplyToTheLatestListener() throws {
    let text = "max_connections 5\nport 1884\nlistener 1885\nmax_connections 10\nlistener 1886\nsocket_domain ipv4"
    let listeners = try load(text).configuration.listeners
    #expect(
        listeners == [
            ListenerConfiguration(port: 1885, maxConnections: 10),
            ListenerConfiguration(port: 1886, socketDomain: .ipv4),
            ListenerConfiguration(port: 1884, maxConnections: 5),
        ])
}

@Test func listenerOptionsBeforeAnyListenerApplyToLocalOnlyMode() throws {
    let configuration = try load("max_connections 50\nsocket_domain ipv6").configuration
    #expect(configuration.isLocalOnly)
    #expect(
        configuration.listeners == [
            ListenerConfiguration(port: 1883, address: "::1", socketDomain: .ipv6, maxConnections: 50)
        ])
}

@Test func listenerOptionsBeforeTheFirstListenerWithoutADefaultListenerAreIgnored() throws {
    let loaded = try load("max_connections 50\nlistener 1884")
    #expect(loaded.configuration.listeners == [ListenerConfiguration(port: 1884)])
    #expect(
        loaded.warnings.map(\.description) == [
            "Warning: /etc/starling.conf:1: max_connections: given before the first listener and no port or "
                + "bind_address opens the default listener it applies to; ignored."
        ])
}

@Test func maxConnectionsZeroMeansNoLimitAsInMosquitto() throws {
    #expect(try load("listener 1884\nmax_connections 0").configuration.listeners[0].maxConnections == nil)
}

@Test func twoListenersOnOneSocketAreAnError() throws {
    #expect(
        loadError("listener 1883\nlistener 1883")
            == "Error: /etc/starling.conf:2: listener: port 1883 on all interfaces is already defined at "
            + "/etc/starling.conf:1."
    )
    #expect(
        loadError("listener 1883 ::1\n\nlistener 1883 ::1")
            == #"Error: /etc/starling.conf:3: listener: port 1883 on "::1" is already defined at /etc/starling.conf:1."#
    )
    #expect(
        loadError("port 1884\nlistener 1884")
            == "Error: /etc/starling.conf:1: listener: port 1884 on all interfaces is already defined at "
            + "/etc/starling.conf:2."
    )
    #expect(try load("listener 1883\nlistener 1883 127.0.0.1").configuration.listeners.count == 2)
}

@Test func logTypeAndLogDestReplaceTheDefaultThenAdd() throws {
    var logging = try load("log_type error\nlog_type subscribe\nlog_dest stdout\nlog_dest topic").configuration.logging
    #expect(logging.types == [.error, .subscribe])
    #expect(logging.destinations == LogDestinations(standardOutput: true, topic: true))
    logging = try load("log_type all\nlog_type none\nlog_type warning\nlog_dest stdout\nlog_dest none").configuration
        .logging
    #expect(logging.types == .warning)
    #expect(logging.destinations == .none)
}

@Test func persistenceFilePathJoinsLocationAndFile() {
    var persistence = PersistenceConfiguration()
    persistence.location = "/var/lib/mosquitto"
    persistence.file = "broker.db"
    #expect(persistence.filePath == "/var/lib/mosquitto/broker.db")
    persistence.location = ""
    #expect(persistence.filePath == "broker.db")
}

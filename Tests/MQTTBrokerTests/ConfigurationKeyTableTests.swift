import Testing

@testable import MQTTBroker

/// Every key mosquitto 2.0.11 accepts: `mosquitto -c` with `KEY 1` in the file never answers
/// `Unknown configuration variable` for these (checked on the Debian package 2.0.11-1.2+deb12u2).
let mosquitto2Keys = [
    "acl_file", "address", "addresses", "allow_anonymous", "allow_duplicate_messages", "allow_zero_length_clientid",
    "auth_plugin", "auth_plugin_deny_special_chars", "auto_id_prefix", "autosave_interval", "autosave_on_changes",
    "bind_address", "bind_interface", "bridge_alpn", "bridge_attempt_unsubscribe", "bridge_bind_address",
    "bridge_cafile", "bridge_capath", "bridge_certfile", "bridge_identity", "bridge_insecure", "bridge_keyfile",
    "bridge_max_packet_size", "bridge_outgoing_retain", "bridge_protocol_version", "bridge_psk",
    "bridge_require_ocsp", "bridge_tls_version", "cafile", "capath", "certfile", "check_retain_source", "ciphers",
    "ciphers_tls1.3", "cleansession", "clientid", "clientid_prefixes", "connection", "connection_messages",
    "crlfile", "dhparamfile", "http_dir", "idle_timeout", "include_dir", "keepalive_interval", "keyfile",
    "listener", "local_cleansession", "local_clientid", "local_password", "local_username", "log_dest",
    "log_facility", "log_timestamp", "log_timestamp_format", "log_type", "max_connections", "max_inflight_bytes",
    "max_inflight_messages", "max_keepalive", "max_packet_size", "max_qos", "max_queued_bytes",
    "max_queued_messages", "max_topic_alias", "memory_limit", "message_size_limit", "mount_point",
    "notification_topic", "notifications", "notifications_local_only", "password", "password_file",
    "per_listener_settings", "persistence", "persistence_file", "persistence_location",
    "persistent_client_expiration", "pid_file", "plugin", "port", "protocol", "psk_file", "psk_hint",
    "queue_qos0_messages", "remote_clientid", "remote_password", "remote_username", "require_certificate",
    "restart_timeout", "retain_available", "retry_interval", "round_robin", "set_tcp_nodelay", "socket_domain",
    "start_type", "sys_interval", "threshold", "tls_engine", "tls_engine_kpass_sha1", "tls_keyform",
    "tls_version", "topic", "try_private", "upgrade_outgoing_qos", "use_identity_as_username",
    "use_subject_as_username", "use_username_as_clientid", "user", "username", "websockets_headers_size",
    "websockets_log_level",
]

@Test func theKeyTablesHoldExactlyMosquitto2Keys() {
    let honoured = Set(HonouredKey.allCases.map(\.rawValue))
    let unhonoured = Set(UnhonouredKey.table.keys)
    #expect(honoured.isDisjoint(with: unhonoured))
    #expect(honoured.union(unhonoured) == Set(mosquitto2Keys))
}

/// Keys of other Mosquitto versions or other brokers, which mosquitto 2.0.11 calls unknown.
@Test(arguments: [
    "global_plugin", "bridge_ciphers", "bridge_max_topic_alias", "accept_protocol_versions", "store_clean_interval",
    "log_file", "trace_level", "listener_allow_anonymous", "Listener", "foo_bar",
])
func keyUnknownToMosquitto2IsAnError(_ key: String) {
    #expect(loadError("\(key) 1") == "Error: /etc/starling.conf:1: \"\(key)\" is not a configuration key.")
}

@Test(
    arguments: UnhonouredKey.table.compactMap { key, treatment -> String? in
        if case .ignored = treatment { key } else { nil }
    })
func ignoredKeyIsAWarningNamingFileAndLine(_ key: String) throws {
    let loaded = try load("# comment\n\(key) some value")
    #expect(loaded.warnings.count == 1)
    let warning = try #require(loaded.warnings.first)
    #expect(warning.location == ConfigurationLocation(file: configPath, line: 2))
    #expect(warning.description.hasPrefix("Warning: /etc/starling.conf:2: \(key): "))
    #expect(warning.description.hasSuffix("; ignored."))
    #expect(loaded.configuration == BrokerConfiguration())
}

@Test func warningTexts() throws {
    let loaded = try load("user mosquitto\nconnection remote\naddress 10.0.0.1:1883\nlog_dest syslog\nlog_dest stderr")
    #expect(
        loaded.warnings.map(\.description) == [
            "Warning: /etc/starling.conf:1: user: Starling does not drop privileges, so start it as the user it "
                + "should run as; ignored.",
            "Warning: /etc/starling.conf:2: connection: bridges are not supported by Starling; ignored.",
            "Warning: /etc/starling.conf:3: address: bridges are not supported by Starling; ignored.",
            "Warning: /etc/starling.conf:4: log_dest: syslog is not supported by Starling; ignored.",
        ])
    #expect(loaded.configuration.logging.destinations == .standardError)
}

@Test(arguments: [
    (
        "certfile /etc/ssl/server.pem",
        "TLS is not supported by Starling, and a plain-text listener must not stand in for a TLS one"
    ),
    (
        "keyfile /etc/ssl/server.key",
        "TLS is not supported by Starling, and a plain-text listener must not stand in for a TLS one"
    ),
    (
        "psk_hint starling",
        "TLS is not supported by Starling, and a plain-text listener must not stand in for a TLS one"
    ),
    ("auth_plugin /usr/lib/auth.so", "plugins are not supported by Starling; use password_file and acl_file"),
    (
        "plugin /usr/lib/mosquitto_dynamic_security.so",
        "plugins are not supported by Starling; use password_file and acl_file"
    ),
    (
        "plugin_opt_config_file /etc/dynsec.json",
        "plugins are not supported by Starling; use password_file and acl_file"
    ),
    ("auth_opt_backends mysql", "plugins are not supported by Starling; use password_file and acl_file"),
    (
        "mount_point tenant/",
        "mount points are not supported by Starling; clients would see topics outside their mount point"
    ),
    (
        "bind_interface eth0",
        "binding to an interface is not supported by Starling; give its address to listener instead"
    ),
    ("clientid_prefixes secure-", "restricting client ids by prefix is not supported by Starling"),
    (
        "per_listener_settings true",
        "per-listener security settings are not supported by Starling; only false is accepted"
    ),
    ("protocol websockets", "WebSockets are not supported by Starling; only mqtt is accepted"),
    (
        "require_certificate true",
        "TLS is not supported by Starling, and a plain-text listener must not stand in for a TLS one; "
            + "only false is accepted"
    ),
    (
        "use_username_as_clientid true",
        "replacing client ids with user names is not supported by Starling; only false is accepted"
    ),
])
func refusedKeyIsAnError(_ text: String, _ reason: String) {
    let key = text.prefix(while: { $0 != " " })
    #expect(loadError(text) == "Error: /etc/starling.conf:1: \(key): \(reason).")
}

@Test(arguments: [
    "per_listener_settings false", "protocol mqtt", "require_certificate false", "use_identity_as_username false",
    "use_subject_as_username 0", "use_username_as_clientid false",
])
func defaultOnlyKeyAtItsDefaultIsAccepted(_ text: String) throws {
    let loaded = try load(text)
    #expect(loaded.warnings.isEmpty)
    #expect(loaded.configuration == BrokerConfiguration())
}

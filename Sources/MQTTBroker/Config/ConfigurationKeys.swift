// Every key Mosquitto 2.0.11 reads from mosquitto.conf, and what Starling does with it. The list
// was checked against the real broker: each key below is accepted by `mosquitto -c` 2.0.11 (it
// may complain about the value, never "Unknown configuration variable"), and keys of later
// versions (global_plugin, bridge_ciphers, accept_protocol_versions, ...) are unknown to it, so
// they are unknown here too. docs/configuration.md carries the same table for users.

/// A key Starling parses and acts on.
enum HonouredKey: String, CaseIterable {
    case aclFile = "acl_file"
    case allowAnonymous = "allow_anonymous"
    case allowZeroLengthClientID = "allow_zero_length_clientid"
    case autoIDPrefix = "auto_id_prefix"
    case autosaveInterval = "autosave_interval"
    case bindAddress = "bind_address"
    case connectionMessages = "connection_messages"
    case includeDir = "include_dir"
    case listener
    case logDest = "log_dest"
    case logTimestamp = "log_timestamp"
    case logTimestampFormat = "log_timestamp_format"
    case logType = "log_type"
    case maxConnections = "max_connections"
    case maxInflightMessages = "max_inflight_messages"
    case maxKeepalive = "max_keepalive"
    case maxPacketSize = "max_packet_size"
    case maxQueuedBytes = "max_queued_bytes"
    case maxQueuedMessages = "max_queued_messages"
    case messageSizeLimit = "message_size_limit"
    case passwordFile = "password_file"
    case persistence
    case persistenceFile = "persistence_file"
    case persistenceLocation = "persistence_location"
    case persistentClientExpiration = "persistent_client_expiration"
    case pidFile = "pid_file"
    case port
    case queueQoS0Messages = "queue_qos0_messages"
    case retainAvailable = "retain_available"
    case setTCPNoDelay = "set_tcp_nodelay"
    case socketDomain = "socket_domain"
    case sysInterval = "sys_interval"
    case upgradeOutgoingQoS = "upgrade_outgoing_qos"
}

/// What Starling does with a Mosquitto key it does not honour.
enum UnhonouredKey: Sendable, Hashable {
    /// Accepted with a warning naming the line; the broker runs as if the line were absent.
    case ignored(reason: String)
    /// Refused: ignoring the line would weaken security or leave clients unable to reach the
    /// broker as configured.
    case refused(reason: String)
    /// Accepted silently when the value is Mosquitto's default (one of `accepted`), refused otherwise.
    case defaultOnly(accepted: [String], reason: String)

    /// The key, or the prefix of a family of keys (`auth_opt_*`), for a key that is not honoured.
    static func treatment(of key: String) -> UnhonouredKey? {
        if let treatment = table[key] { return treatment }
        if key.hasPrefix("auth_opt_") || key.hasPrefix("plugin_opt_") { return .refused(reason: Reason.plugins) }
        return nil
    }

    private enum Reason {
        static let bridges = "bridges are not supported by Starling; ignored"
        static let tlsOption = "TLS is not supported by Starling; ignored"
        static let tls = "TLS is not supported by Starling, and a plain-text listener must not stand in for a TLS one"
        static let plugins = "plugins are not supported by Starling; use password_file and acl_file"
        static let websockets = "WebSockets are not supported by Starling; ignored"
        static let mqtt5 = "applies to MQTT 5 clients only, and Starling speaks MQTT 3.1.1; ignored"
    }

    static let table: [String: UnhonouredKey] = {
        var table: [String: UnhonouredKey] = [
            "allow_duplicate_messages": .ignored(
                reason: "deprecated in Mosquitto and not supported by Starling; ignored"),
            "autosave_on_changes": .ignored(reason: "not supported by Starling, which saves by time only; ignored"),
            "check_retain_source": .ignored(reason: "not supported by Starling; ignored"),
            "log_facility": .ignored(reason: "syslog is not supported by Starling; ignored"),
            "max_inflight_bytes": .ignored(
                reason: "not supported by Starling, which limits messages in flight by count only; ignored"),
            "max_qos": .ignored(reason: "not supported by Starling, which accepts every QoS; ignored"),
            "max_topic_alias": .ignored(reason: Reason.mqtt5),
            "memory_limit": .ignored(reason: "not supported by Starling; ignored"),
            "retry_interval": .ignored(reason: "removed in Mosquitto 2.0; ignored"),
            "user": .ignored(
                reason: "Starling does not drop privileges, so start it as the user it should run as; ignored"),
            "http_dir": .ignored(reason: Reason.websockets),
            "websockets_headers_size": .ignored(reason: Reason.websockets),
            "websockets_log_level": .ignored(reason: Reason.websockets),

            "auth_plugin": .refused(reason: Reason.plugins),
            "auth_plugin_deny_special_chars": .refused(reason: Reason.plugins),
            "plugin": .refused(reason: Reason.plugins),
            "psk_file": .refused(reason: Reason.tls),
            "psk_hint": .refused(reason: Reason.tls),
            "certfile": .refused(reason: Reason.tls),
            "keyfile": .refused(reason: Reason.tls),
            "bind_interface": .refused(
                reason: "binding to an interface is not supported by Starling; give its address to listener instead"),
            "clientid_prefixes": .refused(reason: "restricting client ids by prefix is not supported by Starling"),
            "mount_point": .refused(
                reason: "mount points are not supported by Starling; clients would see topics outside their mount point"
            ),

            "per_listener_settings": .defaultOnly(
                accepted: ["false", "0"], reason: "per-listener security settings are not supported by Starling"),
            "protocol": .defaultOnly(accepted: ["mqtt"], reason: "WebSockets are not supported by Starling"),
            "require_certificate": .defaultOnly(accepted: ["false", "0"], reason: Reason.tls),
            "use_identity_as_username": .defaultOnly(accepted: ["false", "0"], reason: Reason.tls),
            "use_subject_as_username": .defaultOnly(accepted: ["false", "0"], reason: Reason.tls),
            "use_username_as_clientid": .defaultOnly(
                accepted: ["false", "0"], reason: "replacing client ids with user names is not supported by Starling"),
        ]
        let tlsOptions = [
            "cafile", "capath", "ciphers", "ciphers_tls1.3", "crlfile", "dhparamfile", "tls_engine",
            "tls_engine_kpass_sha1", "tls_keyform", "tls_version",
        ]
        let bridgeOptions = [
            "address", "addresses", "bridge_alpn", "bridge_attempt_unsubscribe", "bridge_bind_address",
            "bridge_cafile", "bridge_capath", "bridge_certfile", "bridge_identity", "bridge_insecure", "bridge_keyfile",
            "bridge_max_packet_size", "bridge_outgoing_retain", "bridge_protocol_version", "bridge_psk",
            "bridge_require_ocsp", "bridge_tls_version", "cleansession", "clientid", "connection", "idle_timeout",
            "keepalive_interval", "local_cleansession", "local_clientid", "local_password", "local_username",
            "notification_topic", "notifications", "notifications_local_only", "password", "remote_clientid",
            "remote_password", "remote_username", "restart_timeout", "round_robin", "start_type", "threshold",
            "topic", "try_private", "username",
        ]
        for key in tlsOptions { table[key] = .ignored(reason: Reason.tlsOption) }
        for key in bridgeOptions { table[key] = .ignored(reason: Reason.bridges) }
        return table
    }()
}

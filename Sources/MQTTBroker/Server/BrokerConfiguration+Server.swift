// From a parsed configuration to what the server runs with.

extension BrokerConfiguration {
    /// The addresses to bind. A listener without an address binds IPv4 and IPv6 like Mosquitto; the
    /// IPv6 half is optional, as is `::1` in local only mode, so a host without IPv6 still starts.
    public var listenAddresses: [ListenAddress] {
        listeners.flatMap { listener -> [ListenAddress] in
            let maximum = listener.maxConnections
            if let address = listener.address {
                return [
                    ListenAddress(
                        host: address, port: listener.port, isOptional: isLocalOnly && listener.socketDomain == .ipv6,
                        maximumConnections: maximum)
                ]
            }
            switch listener.socketDomain {
            case .ipv4: return [ListenAddress(host: "0.0.0.0", port: listener.port, maximumConnections: maximum)]
            case .ipv6: return [ListenAddress(host: "::", port: listener.port, maximumConnections: maximum)]
            case nil:
                return [
                    ListenAddress(host: "0.0.0.0", port: listener.port, maximumConnections: maximum),
                    ListenAddress(host: "::", port: listener.port, isOptional: true, maximumConnections: maximum),
                ]
            }
        }
    }

    /// The limits and policies the broker core enforces.
    public var brokerLimits: BrokerLimits {
        var limits = BrokerLimits()
        limits.maximumInFlightMessages = maxInflightMessages
        limits.maximumQueuedMessages = maxQueuedMessages
        limits.messageSizeLimit = messageSizeLimit
        limits.maximumKeepAlive = maxKeepalive
        limits.retainAvailable = retainAvailable
        limits.allowAnonymous = allowAnonymous
        limits.allowZeroLengthClientID = allowZeroLengthClientID
        limits.queueQoS0Messages = queueQoS0Messages
        limits.autoIDPrefix = autoIDPrefix
        limits.logsConnectionMessages = logging.connectionMessages
        limits.maximumQueuedBytes = maxQueuedBytes
        limits.maximumPacketSize = maxPacketSize
        limits.upgradeOutgoingQoS = upgradeOutgoingQoS
        limits.persistentSessionExpiration = persistentClientExpiration
        return limits
    }

    /// Options the configuration names that this version of the broker cannot honour safely: it
    /// refuses to start rather than run without the protection they ask for.
    public var unsupportedSecurityOptions: [String] {
        var unsupported: [String] = []
        if passwordFile != nil { unsupported.append("password_file") }
        if aclFile != nil { unsupported.append("acl_file") }
        return unsupported
    }
}

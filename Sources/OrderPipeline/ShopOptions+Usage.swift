extension ShopOptions {
    /// The help text: every subcommand, or one subcommand with the flags it takes.
    public static func usage(for role: ShopRole? = nil) -> String {
        guard let role else {
            return """
                Usage: shop <subcommand> [options]

                Subcommands:
                \(ShopRole.allCases.map { "  \($0.rawValue.padding(13))\($0.summary)" }.joined(separator: "\n"))

                Environment: MQTT_HOST, MQTT_PORT, MQTT_USERNAME, MQTT_PASSWORD, SHOP_QOS (flags win).
                'shop <subcommand> --help' lists the subcommand's options. See docs/agents.md.

                """
        }
        let flags = ShopFlag.allCases.filter { $0.roles.contains(role) }
        return """
            Usage: shop \(role.rawValue) [options]

            \(role.summary)

            Options:
            \(flags.map { "  \(($0.rawValue + " " + $0.valueName).padding(24))\($0.help)" }.joined(separator: "\n"))

            """
    }
}

extension ShopRole {
    /// One line for the usage text.
    var summary: String {
        switch self {
        case .order: "validate placed orders; accept, reject or answer \"duplicate\""
        case .packaging: "package accepted orders"
        case .shipping: "ship packaged orders with a tracking number; the carrier delivers"
        case .notification: "tell customers their orders were delivered"
        case .customer: "place orders and wait for each answer; print latency percentiles"
        case .demo: "run a broker on a free port, every agent and a customer in one process"
        }
    }
}

extension ShopFlag {
    var valueName: String {
        switch self {
        case .host: "HOST"
        case .port: "PORT"
        case .username: "NAME"
        case .password: "PASSWORD"
        case .qos: "0|1|2"
        case .clientID: "ID"
        case .workTimeMilliseconds, .count: "N"
        case .rate: "PER_SECOND"
        case .item: "NAME"
        case .quantity: "N"
        case .customer, .orderID: "ID"
        case .timeout, .delay: "SECONDS"
        }
    }

    var help: String {
        switch self {
        case .host: "broker host (MQTT_HOST; default \(ShopOptions.defaultHost))"
        case .port: "broker port (MQTT_PORT; default \(ShopOptions.defaultPort))"
        case .username: "user name (MQTT_USERNAME)"
        case .password: "password (MQTT_PASSWORD)"
        case .qos: "quality of service (SHOP_QOS; default 1)"
        case .clientID: "MQTT client id (default shop-<role>-<host name>)"
        case .workTimeMilliseconds:
            "simulated work per order, milliseconds (default \(ShopOptions.defaultWorkTimeMilliseconds))"
        case .count: "place N random orders (default: one order from the flags)"
        case .rate: "orders per second with --count (default \(ShopOptions.defaultRate))"
        case .item: "item of every order"
        case .quantity: "quantity of every order"
        case .customer: "customer id (default: customer-<random>)"
        case .orderID: "id of the single order (default: random)"
        case .timeout: "wait for each answer at most this long (default \(ShopOptions.defaultTimeoutSeconds))"
        case .delay: "wait this long before the first order (default 0)"
        }
    }
}

extension String {
    /// `self` followed by spaces up to `width` characters, and at least one space.
    fileprivate func padding(_ width: Int) -> String {
        self + String(repeating: " ", count: Swift.max(1, width - count))
    }
}

// How `shop` reads its command line: `shop <role> [--flag value]...`. The environment is read
// first and flags override it; an empty environment variable counts as unset. `shop demo` runs
// its own broker, so it refuses the connection flags and ignores MQTT_HOST, MQTT_PORT,
// MQTT_USERNAME and MQTT_PASSWORD.

/// What `shop` was asked to do.
public enum ShopCommand: Sendable, Hashable {
    /// Run `options.role`.
    case run(ShopOptions)
    /// Print `ShopOptions.usage(for:)` and exit 0.
    case help(ShopRole?)
}

/// The options of a `shop` subcommand.
public struct ShopOptions: Sendable, Hashable {
    public static let defaultHost = "localhost"
    public static let defaultPort: UInt16 = 1883
    public static let defaultWorkTimeMilliseconds = 100
    public static let defaultRate = 1.0
    public static let defaultTimeoutSeconds = 30
    /// Bounds of `--work-time-ms`.
    public static let workTimeRange = 0...3_600_000
    /// Bounds of `--count`.
    public static let countRange = 1...1_000_000
    /// Bounds of `--rate`, orders per second.
    public static let rateRange = 0.001...10_000.0
    /// Bounds of `--timeout`, seconds.
    public static let timeoutRange = 0.001...86_400.0
    /// Bounds of `--delay`, seconds.
    public static let delayRange = 0.0...3_600.0

    public var role: ShopRole
    /// `--host`, `MQTT_HOST`: the broker's host name or address.
    public var host = defaultHost
    /// `--port`, `MQTT_PORT`.
    public var port = defaultPort
    /// `--username`, `MQTT_USERNAME`.
    public var username: String?
    /// `--password`, `MQTT_PASSWORD`; needs a user name, as in MQTT [MQTT-3.1.2-22].
    public var password: String?
    /// `--qos`, `SHOP_QOS`: 0, 1 or 2.
    public var qos = DeliveryQoS.atLeastOnce
    /// `--client-id`; nil: `clientID(hostName:processID:)` makes one.
    public var clientID: String?
    /// `--work-time-ms`: simulated work per order (packaging, shipping, demo).
    public var workTime = Duration.milliseconds(defaultWorkTimeMilliseconds)
    /// `--count`: how many random orders the customer places; nil: one order from the flags.
    public var count: Int?
    /// `--rate`: orders per second when `count` is set.
    public var rate = defaultRate
    /// `--item`: the item of every order; nil: random (`--count`) or `defaultItem` (one order).
    public var item: String?
    /// `--quantity`: the quantity of every order; nil: random (several orders) or 1 (one).
    public var quantity: Int?
    /// `--customer`: the customer's id; nil: `customerID(using:)` picks one.
    public var customerID: CustomerID?
    /// `--order-id`: the id of the single order; nil: random.
    public var orderID: OrderID?
    /// `--timeout`, in seconds: how long the customer waits for each order's answer.
    public var timeout = Duration.seconds(defaultTimeoutSeconds)
    /// `--delay`, in seconds: how long the customer waits before placing its first order (in
    /// compose.yaml, time for the agents' first subscriptions; until an agent has subscribed once,
    /// the broker has nowhere to queue its orders).
    public var startDelay = Duration.zero

    public init(role: ShopRole) {
        self.role = role
    }

    /// Reads `shop`'s arguments (without the program name) and environment.
    public static func parse(
        arguments: [String], environment: [String: String]
    ) throws(ShopOptionsError) -> ShopCommand {
        var remaining = arguments[...]
        guard let first = remaining.popFirst() else { throw .missingRole }
        if first == "-h" || first == "--help" { return .help(nil) }
        guard let role = ShopRole(rawValue: first) else { throw .unknownRole(first) }
        var options = ShopOptions(role: role)
        try options.read(environment: environment)
        while let argument = remaining.popFirst() {
            if argument == "-h" || argument == "--help" { return .help(role) }
            guard let flag = ShopFlag(rawValue: argument) else { throw .unknownOption(argument) }
            guard flag.roles.contains(role) else { throw .optionNotForRole(option: argument, role: role) }
            guard let value = remaining.popFirst() else { throw .missingValue(option: argument) }
            try options.set(flag, to: value)
        }
        if options.password != nil && options.username == nil { throw .passwordWithoutUsername }
        if options.count != nil && options.orderID != nil { throw .conflictingOptions("--count", "--order-id") }
        return .run(options)
    }

    /// The MQTT client id: `--client-id`, else `shop-<role>-<host>` for an agent (stable across
    /// restarts, so its persistent session resumes; two instances of a role on one host need
    /// `--client-id`), else `shop-<role>-<host>-<pid>` for the customer and the demo, which start
    /// afresh every run.
    public func clientID(hostName: String, processID: Int32) -> String {
        if let clientID { return clientID }
        return role.isAgent ? "shop-\(role.rawValue)-\(hostName)" : "shop-\(role.rawValue)-\(hostName)-\(processID)"
    }

    private mutating func read(environment: [String: String]) throws(ShopOptionsError) {
        func value(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        if role != .demo {
            if let text = value("MQTT_HOST") { host = try Self.host(text, source: "MQTT_HOST") }
            if let text = value("MQTT_PORT") { port = try Self.port(text, source: "MQTT_PORT") }
            if let text = value("MQTT_USERNAME") { username = text }
            if let text = value("MQTT_PASSWORD") { password = text }
        }
        if let text = value("SHOP_QOS") { qos = try Self.qos(text, source: "SHOP_QOS") }
    }

    private mutating func set(_ flag: ShopFlag, to text: String) throws(ShopOptionsError) {
        let source = flag.rawValue
        switch flag {
        case .host: host = try Self.host(text, source: source)
        case .port: port = try Self.port(text, source: source)
        case .username: username = text
        case .password: password = text
        case .qos: qos = try Self.qos(text, source: source)
        case .clientID:
            guard !text.isEmpty else { throw .invalidValue(source: source, value: text, expected: "a client id") }
            clientID = text
        case .workTimeMilliseconds:
            workTime = .milliseconds(try Self.integer(text, in: Self.workTimeRange, source: source))
        case .count: count = try Self.integer(text, in: Self.countRange, source: source)
        case .rate: rate = try Self.number(text, in: Self.rateRange, source: source)
        case .item: item = text
        case .quantity:
            guard let quantity = Int(text) else {
                throw .invalidValue(source: source, value: text, expected: "an integer")
            }
            self.quantity = quantity
        case .customer:
            do { customerID = try CustomerID(text) } catch {
                throw .invalidValue(source: source, value: text, expected: "a customer id (\(error))")
            }
        case .orderID:
            do { orderID = try OrderID(text) } catch {
                throw .invalidValue(source: source, value: text, expected: "an order id (\(error))")
            }
        case .timeout: timeout = try Self.duration(text, in: Self.timeoutRange, source: source)
        case .delay: startDelay = try Self.duration(text, in: Self.delayRange, source: source)
        }
    }

    private static func host(_ text: String, source: String) throws(ShopOptionsError) -> String {
        guard !text.isEmpty, !text.contains(where: \.isWhitespace) else {
            throw .invalidValue(source: source, value: text, expected: "a host name or address")
        }
        return text
    }

    private static func port(_ text: String, source: String) throws(ShopOptionsError) -> UInt16 {
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let port = UInt16(text), port > 0 else {
            throw .invalidValue(source: source, value: text, expected: "a port number (1-65535)")
        }
        return port
    }

    private static func qos(_ text: String, source: String) throws(ShopOptionsError) -> DeliveryQoS {
        guard let level = Int(text), let qos = DeliveryQoS(rawValue: level) else {
            throw .invalidValue(source: source, value: text, expected: "0, 1 or 2")
        }
        return qos
    }

    private static func integer(
        _ text: String, in range: ClosedRange<Int>, source: String
    ) throws(ShopOptionsError) -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw .invalidValue(
                source: source, value: text, expected: "an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    private static func duration(
        _ text: String, in range: ClosedRange<Double>, source: String
    ) throws(ShopOptionsError) -> Duration {
        .milliseconds(Int64((try number(text, in: range, source: source) * 1_000).rounded()))
    }

    private static func number(
        _ text: String, in range: ClosedRange<Double>, source: String
    ) throws(ShopOptionsError) -> Double {
        guard let value = Double(text), range.contains(value) else {
            throw .invalidValue(
                source: source, value: text, expected: "a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }
}

/// The flags of `shop`, and the roles that take each.
enum ShopFlag: String, CaseIterable {
    case host = "--host"
    case port = "--port"
    case username = "--username"
    case password = "--password"
    case qos = "--qos"
    case clientID = "--client-id"
    case workTimeMilliseconds = "--work-time-ms"
    case count = "--count"
    case rate = "--rate"
    case item = "--item"
    case quantity = "--quantity"
    case customer = "--customer"
    case orderID = "--order-id"
    case timeout = "--timeout"
    case delay = "--delay"

    var roles: Set<ShopRole> {
        switch self {
        case .host, .port, .username, .password, .clientID: Set(ShopRole.allCases).subtracting([.demo])
        case .qos: Set(ShopRole.allCases)
        case .workTimeMilliseconds: [.packaging, .shipping, .demo]
        case .count, .rate, .item, .quantity, .customer, .orderID, .timeout: [.customer, .demo]
        case .delay: [.customer]
        }
    }
}

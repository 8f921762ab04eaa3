import OrderPipeline
import Testing

private func options(_ arguments: [String], _ environment: [String: String] = [:]) throws -> ShopOptions {
    guard case .run(let options) = try ShopOptions.parse(arguments: arguments, environment: environment) else {
        Issue.record("expected .run for \(arguments)")
        return ShopOptions(role: .demo)
    }
    return options
}

private func error(_ arguments: [String], _ environment: [String: String] = [:]) -> String? {
    do {
        _ = try ShopOptions.parse(arguments: arguments, environment: environment)
        return nil
    } catch {
        return error.description
    }
}

@Test(arguments: ShopRole.allCases)
func everyRoleRunsWithTheDefaults(_ role: ShopRole) throws {
    let options = try options([role.rawValue])
    #expect(options == ShopOptions(role: role))
    #expect(options.host == "localhost")
    #expect(options.port == 1883)
    #expect(options.qos == .atLeastOnce)
    #expect(options.username == nil && options.password == nil && options.clientID == nil)
    #expect(options.workTime == .milliseconds(100))
    #expect(options.count == nil && options.rate == 1)
    #expect(options.timeout == .seconds(30))
}

@Test func theEnvironmentSetsTheBrokerAndFlagsWin() throws {
    let environment = [
        "MQTT_HOST": "broker", "MQTT_PORT": "1884", "MQTT_USERNAME": "shop", "MQTT_PASSWORD": "secret", "SHOP_QOS": "2",
    ]
    let fromEnvironment = try options(["packaging"], environment)
    #expect(fromEnvironment.host == "broker")
    #expect(fromEnvironment.port == 1884)
    #expect(fromEnvironment.username == "shop")
    #expect(fromEnvironment.password == "secret")
    #expect(fromEnvironment.qos == .exactlyOnce)

    let flags = try options(
        ["packaging", "--host", "10.0.0.2", "--port", "1885", "--username", "u", "--password", "p", "--qos", "0"],
        environment)
    #expect([flags.host, "\(flags.port)", flags.username, flags.password] == ["10.0.0.2", "1885", "u", "p"])
    #expect(flags.qos == .atMostOnce)
}

@Test func emptyEnvironmentVariablesCountAsUnset() throws {
    let options = try options(["order"], ["MQTT_HOST": "", "MQTT_PORT": "", "SHOP_QOS": "", "MQTT_USERNAME": ""])
    #expect(options == ShopOptions(role: .order))
}

@Test func theDemoIgnoresTheBrokerEnvironmentButNotTheQoS() throws {
    let options = try options(["demo"], ["MQTT_HOST": "broker", "MQTT_PORT": "x", "SHOP_QOS": "0"])
    #expect(options.host == "localhost")
    #expect(options.qos == .atMostOnce)
}

@Test func agentAndCustomerFlagsAreRead() throws {
    let shipping = try options(["shipping", "--work-time-ms", "250", "--client-id", "ship-1"])
    #expect(shipping.workTime == .milliseconds(250))
    #expect(shipping.clientID == "ship-1")

    let customer = try options([
        "customer", "--count", "20", "--rate", "2.5", "--item", "Ink Pen", "--quantity", "0", "--customer", "c-7",
        "--timeout", "1.5", "--delay", "5",
    ])
    #expect(customer.count == 20)
    #expect(customer.rate == 2.5)
    #expect(customer.item == "Ink Pen")
    #expect(customer.quantity == 0)
    #expect(customer.customerID == customerID("c-7"))
    #expect(customer.timeout == .milliseconds(1_500))
    #expect(customer.startDelay == .seconds(5))

    let single = try options(["customer", "--order-id", "10202"])
    #expect(single.orderID == orderID("10202"))
    #expect(single.count == nil)
}

@Test func clientIdsAreStableForAgentsAndFreshForCustomers() throws {
    #expect(try options(["packaging"]).clientID(hostName: "a1b2", processID: 7) == "shop-packaging-a1b2")
    #expect(try options(["customer"]).clientID(hostName: "a1b2", processID: 7) == "shop-customer-a1b2-7")
    #expect(try options(["order", "--client-id", "x"]).clientID(hostName: "a1b2", processID: 7) == "x")
}

@Test func helpIsAskedForWithOrWithoutASubcommand() throws {
    #expect(try ShopOptions.parse(arguments: ["--help"], environment: [:]) == .help(nil))
    #expect(try ShopOptions.parse(arguments: ["-h"], environment: [:]) == .help(nil))
    #expect(try ShopOptions.parse(arguments: ["customer", "--count", "2", "-h"], environment: [:]) == .help(.customer))
    let general = ShopOptions.usage()
    for role in ShopRole.allCases {
        #expect(general.contains("\n  \(role.rawValue) "))
    }
    let packaging = ShopOptions.usage(for: .packaging)
    #expect(packaging.contains("--work-time-ms N"))
    #expect(!packaging.contains("--count"))
    #expect(ShopOptions.usage(for: .demo).contains("--count N"))
    #expect(!ShopOptions.usage(for: .demo).contains("--host"))
}

@Test(
    arguments: [
        ([], [:], "shop: missing subcommand; one of order, packaging, shipping, notification, customer, demo"),
        (
            ["warehouse"], [:],
            "shop: unknown subcommand 'warehouse'; one of order, packaging, shipping, notification, customer, demo"
        ),
        (["order", "--verbose"], [:], "shop: unknown option '--verbose'"),
        (["order", "--host"], [:], "shop: --host needs a value"),
        (["order", "--port", "0"], [:], "shop: --port: '0' is not a port number (1-65535)"),
        (["order", "--port", "65536"], [:], "shop: --port: '65536' is not a port number (1-65535)"),
        (["order", "--port", "+80"], [:], "shop: --port: '+80' is not a port number (1-65535)"),
        (["order"], ["MQTT_PORT": "http"], "shop: MQTT_PORT: 'http' is not a port number (1-65535)"),
        (["order", "--host", "a b"], [:], "shop: --host: 'a b' is not a host name or address"),
        (["order"], ["SHOP_QOS": "3"], "shop: SHOP_QOS: '3' is not 0, 1 or 2"),
        (["order", "--qos", "one"], [:], "shop: --qos: 'one' is not 0, 1 or 2"),
        (
            ["order", "--password", "p"], [:],
            "shop: a password (--password, MQTT_PASSWORD) needs a user name (--username, MQTT_USERNAME)"
        ),
        (
            ["order"], ["MQTT_PASSWORD": "p"],
            "shop: a password (--password, MQTT_PASSWORD) needs a user name (--username, MQTT_USERNAME)"
        ),
        (["order", "--client-id", ""], [:], "shop: --client-id: '' is not a client id"),
        (["order", "--work-time-ms", "5"], [:], "shop order: --work-time-ms does not apply to this subcommand"),
        (["packaging", "--count", "5"], [:], "shop packaging: --count does not apply to this subcommand"),
        (["demo", "--host", "broker"], [:], "shop demo: --host does not apply to this subcommand"),
        (["shipping", "--work-time-ms", "-1"], [:], "shop: --work-time-ms: '-1' is not an integer from 0 to 3600000"),
        (["customer", "--count", "0"], [:], "shop: --count: '0' is not an integer from 1 to 1000000"),
        (["customer", "--rate", "0"], [:], "shop: --rate: '0' is not a number from 0.001 to 10000.0"),
        (["customer", "--rate", "nan"], [:], "shop: --rate: 'nan' is not a number from 0.001 to 10000.0"),
        (["customer", "--quantity", "1.5"], [:], "shop: --quantity: '1.5' is not an integer"),
        (["customer", "--timeout", "0"], [:], "shop: --timeout: '0' is not a number from 0.001 to 86400.0"),
        (
            ["customer", "--customer", "c/7"], [:],
            #"shop: --customer: 'c/7' is not a customer id (customer id "c/7" contains "/", which cannot stand in one topic level)"#
        ),
        (["customer", "--order-id", ""], [:], "shop: --order-id: '' is not an order id (order id is empty)"),
        (["customer", "--count", "2", "--order-id", "1"], [:], "shop: --count and --order-id cannot be used together"),
        (["demo", "--delay", "1"], [:], "shop demo: --delay does not apply to this subcommand"),
        (["customer", "--delay", "-1"], [:], "shop: --delay: '-1' is not a number from 0.0 to 3600.0"),
    ] as [([String], [String: String], String)])
func badCommandLinesSayWhatIsWrong(_ arguments: [String], _ environment: [String: String], _ message: String) {
    #expect(error(arguments, environment) == message)
}

@Test func oneOrderFromTheFlagsOrRandomOnes() throws {
    var generator = SplitMix64(seed: 3)
    let single = try options(["customer"])
    #expect(single.orderCount == 1)
    let customer = single.customerID(using: &generator)
    #expect(customer.rawValue.wholeMatch(of: /customer-[0-9a-f]{6}/) != nil)
    let order = single.orderFactory(for: customer).order(orderID("1"), at: time(0), using: &generator)
    #expect(order.item == "Drawing Book" && order.quantity == 1 && order.customerID == customer)

    let given = try options(["customer", "--customer", "c-7", "--item", "Ink Pen", "--quantity", "4"])
    #expect(given.customerID(using: &generator) == customerID("c-7"))
    #expect(
        given.orderFactory(for: customerID("c-7"))
            == OrderFactory(customerID: customerID("c-7"), item: "Ink Pen", quantity: 4))

    let random = try options(["customer", "--count", "5", "--quantity", "2"])
    #expect(random.orderCount == 5)
    #expect(
        random.orderFactory(for: customerID("c-7"))
            == OrderFactory(customerID: customerID("c-7"), item: nil, quantity: 2))
}

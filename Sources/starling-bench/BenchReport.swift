// The result of one run, as a human-readable line and as one flat JSON object (field names are
// what scripts/bench-vs-mosquitto reads; rates are per second, latencies in microseconds, CPU in
// seconds, memory in bytes).

import Foundation
import Reactor

/// The numbers of one run.
struct BenchReport {
    /// Ordered key/value pairs, values already in JSON form.
    private(set) var fields: [(key: String, json: String)] = []
    private var values: [String: Double] = [:]
    private var texts: [String: String] = [:]

    mutating func set(_ key: String, _ value: Double?) {
        guard let value, value.isFinite else { return }
        values[key] = value
        let json = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.6g", value)
        fields.append((key, json))
    }

    mutating func set(_ key: String, _ value: UInt64?) { set(key, value.map { Double($0) }) }
    mutating func set(_ key: String, _ value: Int?) { set(key, value.map { Double($0) }) }

    mutating func set(_ key: String, _ text: String?) {
        guard let text else { return }
        texts[key] = text
        fields.append((key, Self.quoted(text)))
    }

    func value(_ key: String) -> Double? { values[key] }
    func text(_ key: String) -> String? { texts[key] }

    var json: String {
        "{" + fields.map { "\(Self.quoted($0.key)): \($0.json)" }.joined(separator: ", ") + "}"
    }

    /// One line a person reads.
    var line: String {
        var parts: [String] = []
        let shape = text("shape") ?? ""
        if let error = text("error"), value("seconds") == nil, value("connect_s") == nil {
            return "\(shape): FAILED: \(error)"
        }
        if let connected = value("connections") {
            parts.append(
                "\(shape): \(Int(connected)) connected and subscribed in \(format(value("connect_s"), "%.2f")) s "
                    + "(\(format(value("connects_per_s"), "%.0f")) conn/s)")
            if let perConnection = value("broker_rss_per_connection_bytes") {
                parts.append(
                    "broker RSS \(format(value("broker_rss_baseline_bytes").map { $0 / 1_048_576 }, "%.1f")) → "
                        + "\(format(value("broker_rss_bytes").map { $0 / 1_048_576 }, "%.1f")) MiB, "
                        + "\(format(perConnection, "%.0f")) B/conn")
            }
            if let cpu = value("broker_cpu_us_per_connection") {
                parts.append("broker CPU \(format(cpu, "%.1f")) µs/conn")
            }
        } else {
            parts.append(
                "\(shape): \(format(value("published_per_s"), "%.0f")) msg/s published, "
                    + "\(format(value("delivered_per_s"), "%.0f")) msg/s delivered")
            parts.append(
                "latency p50 \(milliseconds("latency_p50_us")) p99 \(milliseconds("latency_p99_us")) "
                    + "max \(milliseconds("latency_max_us"))")
            parts.append(
                "lost \(format(value("lost"), "%.0f")) dup \(format(value("duplicates"), "%.0f")) "
                    + "ooo \(format(value("out_of_order"), "%.0f"))")
            if let cpu = value("broker_cpu_us_per_msg") { parts.append("broker CPU \(format(cpu, "%.2f")) µs/msg") }
        }
        parts.append(
            "generator CPU \(format(value("generator_cpu_s"), "%.2f")) s "
                + "(\(format(value("generator_cpu_pct"), "%.0f"))% of a core)")
        if let error = text("error") { parts.append("FAILED: \(error)") }
        if let warning = text("warnings") { parts.append("warning: \(warning)") }
        return parts.joined(separator: " | ")
    }

    private func milliseconds(_ key: String) -> String {
        guard let micros = value(key) else { return "-" }
        return micros < 1000 ? String(format: "%.0f µs", micros) : String(format: "%.2f ms", micros / 1000)
    }

    private func format(_ value: Double?, _ pattern: String) -> String {
        value.map { String(format: pattern, $0) } ?? "-"
    }

    private static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    result += String(format: "\\u%04x", scalar.value)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}

extension LoadGenerator {
    /// The report of a finished run.
    func report(brokerPID: Int32?) -> BenchReport {
        var report = BenchReport()
        report.set("scenario", plan.scenario.rawValue)
        report.set("shape", plan.shape)
        report.set("status", failure == nil ? "ok" : "failed")
        report.set("error", failure)
        report.set("warnings", warnings.isEmpty ? nil : warnings.joined(separator: "; "))
        report.set("qos", Int(plan.qos.rawValue))
        report.set("payload_bytes", plan.payload)
        report.set("publishers", plan.publishers)
        report.set("subscribers", plan.subscribers)
        report.set("broker_pid", brokerPID.map(Int.init))
        if plan.scenario == .conn {
            addConnectionFigures(to: &report)
        } else {
            addMessageFigures(to: &report)
        }
        return report
    }

    private func addConnectionFigures(to report: inout BenchReport) {
        report.set("connections", readyCount)
        if let connectFinished {
            let seconds = Double(connectFinished.nanoseconds - connectStarted.nanoseconds) / 1e9
            report.set("connect_s", seconds)
            report.set("connects_per_s", Double(readyCount) / seconds)
        }
        report.set("broker_rss_baseline_bytes", brokerBaseline?.residentBytes)
        report.set("broker_rss_bytes", brokerHeld?.residentBytes)
        if let baseline = brokerBaseline, let held = brokerHeld, readyCount > 0 {
            report.set(
                "broker_rss_per_connection_bytes",
                Double(held.residentBytes - baseline.residentBytes) / Double(readyCount))
        }
        if let baseline = brokerBaseline, let connected = brokerConnected, readyCount > 0 {
            report.set(
                "broker_cpu_us_per_connection", (connected.cpuSeconds - baseline.cpuSeconds) * 1e6 / Double(readyCount))
        }
        let generatorCPU = ProcessUsage.cpuSeconds()
        report.set("generator_cpu_s", generatorCPU)
        let wall = Double(Instant.now().nanoseconds - connectStarted.nanoseconds) / 1e9
        report.set("generator_cpu_pct", generatorCPU / wall * 100)
    }

    private func addMessageFigures(to report: inout BenchReport) {
        report.set("rate_offered", plan.rate)
        report.set("window", plan.rate == nil ? plan.window : nil)
        report.set("inflight", plan.qos == .atMostOnce ? nil : plan.inFlight)
        if let start = windowStart, let end = windowEnd {
            let seconds = Double(end.time.nanoseconds - start.time.nanoseconds) / 1e9
            let delivered = end.delivered - start.delivered
            report.set("seconds", seconds)
            report.set("published", end.published - start.published)
            report.set("delivered", delivered)
            report.set("published_per_s", Double(end.published - start.published) / seconds)
            report.set("delivered_per_s", Double(delivered) / seconds)
            report.set("generator_cpu_s", end.generatorCPU - start.generatorCPU)
            report.set("generator_cpu_pct", (end.generatorCPU - start.generatorCPU) / seconds * 100)
            if let before = start.broker, let after = end.broker {
                let cpu = after.cpuSeconds - before.cpuSeconds
                report.set("broker_cpu_s", cpu)
                report.set("broker_cpu_pct", cpu / seconds * 100)
                if delivered > 0 { report.set("broker_cpu_us_per_msg", cpu * 1e6 / Double(delivered)) }
                report.set("broker_rss_bytes", after.residentBytes)
            }
        }
        report.set("latency_samples", histogram.total)
        report.set("latency_p50_us", histogram.value(atQuantile: 0.5).map { Double($0) / 1000 })
        report.set("latency_p99_us", histogram.value(atQuantile: 0.99).map { Double($0) / 1000 })
        report.set("latency_p999_us", histogram.value(atQuantile: 0.999).map { Double($0) / 1000 })
        report.set("latency_max_us", histogram.total > 0 ? Double(histogram.maximum) / 1000 : nil)
        let expected = publishers.reduce(UInt64(0)) { $0 + $1.sent } * UInt64(plan.deliveriesPerMessage)
        let unique = counts.delivered - counts.duplicates
        report.set("published_total", counts.published)
        report.set("delivered_total", counts.delivered)
        report.set("expected_total", expected)
        report.set("lost", expected > unique ? expected - unique : 0)
        report.set("duplicates", counts.duplicates)
        report.set("out_of_order", counts.outOfOrder)
        report.set("foreign", counts.foreign)
        report.set("unexpected_acks", counts.unexpectedAcks)
    }
}

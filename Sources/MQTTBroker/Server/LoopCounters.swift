/// Traffic counted by one loop during a pass, added to the shared `BrokerStatistics` once at the
/// end of the pass: per-message atomic increments from every loop would contend for the same cache
/// lines.
struct LoopCounters {
    var messagesReceived = 0
    var messagesSent = 0
    var publishSent = 0
    var bytesReceived = 0
    var bytesSent = 0

    /// Adds what was counted to `statistics` and starts again from zero.
    mutating func flush(into statistics: BrokerStatistics) {
        if messagesReceived > 0 { statistics.messagesReceived.increment(by: messagesReceived) }
        if messagesSent > 0 { statistics.messagesSent.increment(by: messagesSent) }
        if publishSent > 0 { statistics.publishSent.increment(by: publishSent) }
        if bytesReceived > 0 { statistics.bytesReceived.increment(by: bytesReceived) }
        if bytesSent > 0 { statistics.bytesSent.increment(by: bytesSent) }
        self = LoopCounters()
    }
}

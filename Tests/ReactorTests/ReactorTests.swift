import Glibc
import MQTTCodec
import Reactor
import Testing

@Suite struct ReactorTests {
    @Test func listenerOnEphemeralPortAcceptsAndEchoesThroughPoller() throws {
        let listener = try TCPListener.bind(host: "127.0.0.1", port: 0)
        defer { listener.close() }
        #expect(listener.localAddress.port != 0)
        #expect(listener.localAddress.host == "127.0.0.1")

        let poller = try Poller()
        try poller.register(listener, token: 1, interest: .readable)
        let client = try Socket.connect(to: listener.localAddress)
        defer { client.close() }

        #expect(try poller.wait(timeoutMilliseconds: 2000) == 1)
        #expect(poller.event(at: 0).token == 1)
        let accepted = try #require(try listener.accept())
        let server = accepted.0
        defer { server.close() }
        #expect(accepted.1.host == "127.0.0.1")
        #expect(try listener.accept() == nil)

        var outgoing = ByteBuffer(string: "hello")
        #expect(try client.flush(&outgoing))
        try poller.register(server, token: 2, interest: .readable)
        #expect(try poller.wait(timeoutMilliseconds: 2000) == 1)
        let (token, events) = poller.event(at: 0)
        #expect(token == 2 && events.isReadable)
        var incoming = ByteBuffer()
        #expect(try server.read(into: &incoming, maximum: 4096) == .read(5))
        #expect(incoming.readableString == "hello")
        #expect(try server.read(into: &incoming, maximum: 4096) == .wouldBlock)

        client.close()
        #expect(try server.read(into: &incoming, maximum: 4096) == .endOfFile)
    }

    @Test func bindingATakenPortSaysAddressInUse() throws {
        let first = try TCPListener.bind(host: "127.0.0.1", port: 0)
        defer { first.close() }
        #expect {
            try TCPListener.bind(host: "127.0.0.1", port: first.localAddress.port)
        } throws: { error in
            (error as? SystemError)?.isAddressInUse == true
        }
    }

    @Test func mailboxWakesASleepingOwnerOnceForABurstAndDeliversInOrder() throws {
        let mailbox = try Mailbox<Int>()
        let poller = try Poller()
        try poller.register(mailbox.wakeUp, token: 9, interest: .readable)
        mailbox.wakeUp.armForSleep()
        #expect(!mailbox.hasJobs)
        var batch = Array(1...100)
        mailbox.post(contentsOf: &batch)
        mailbox.post(101)
        #expect(batch.isEmpty)
        #expect(try poller.wait(timeoutMilliseconds: 1000) == 1)
        mailbox.wakeUp.drain()
        mailbox.wakeUp.disarm()
        var taken: [Int] = []
        mailbox.take(into: &taken)
        #expect(taken == Array(1...101))
        #expect(try poller.wait(timeoutMilliseconds: 0) == 0)
    }

    @Test func mailboxLeavesAnAwakeOwnersWakeUpAloneAndTheOwnerFindsTheJobsBeforeSleeping() throws {
        let mailbox = try Mailbox<Int>()
        let poller = try Poller()
        try poller.register(mailbox.wakeUp, token: 9, interest: .readable)
        mailbox.post(1)
        #expect(try poller.wait(timeoutMilliseconds: 0) == 0)
        mailbox.wakeUp.armForSleep()
        #expect(mailbox.hasJobs)
        mailbox.wakeUp.disarm()
        var taken: [Int] = []
        mailbox.take(into: &taken)
        #expect(taken == [1])
        #expect(!mailbox.hasJobs)
    }

    /// Posts from another thread in bursts while the owner runs `runEventLoop`: every job arrives, in
    /// order, so no wake-up is lost between the owner's look at its mailbox and its sleep.
    @Test func postsFromAnotherThreadAllReachARunningLoop() throws {
        let mailbox = try Mailbox<Int>()
        let poller = try Poller()
        let total = 200_000
        let poster = LoopThread(name: "test-poster") {
            var next = 0
            var burst = 1
            while next < total {
                for _ in 0..<min(burst, total - next) {
                    mailbox.post(next)
                    next += 1
                }
                burst = burst % 7 + 1
                if next % 1000 < 7 { usleep(UInt32(next % 3) * 50) }
            }
        }
        var counter = CountingHandler(mailbox: mailbox, expected: total)
        try runEventLoop(&counter, poller: poller, wakeUp: mailbox.wakeUp)
        poster.join()
        #expect(counter.received == total)
        #expect(counter.inOrder)
    }
    @Test func timerQueuePopsInDeadlineOrder() {
        var timers = TimerQueue<String>()
        let base = Instant(nanoseconds: 1_000)
        timers.schedule("c", at: base + .milliseconds(30))
        timers.schedule("a", at: base + .milliseconds(10))
        timers.schedule("b", at: base + .milliseconds(20))
        #expect(timers.nextDeadline == base + .milliseconds(10))
        #expect(timers.popExpired(now: base) == nil)
        let later = base + .milliseconds(25)
        #expect(timers.popExpired(now: later) == "a")
        #expect(timers.popExpired(now: later) == "b")
        #expect(timers.popExpired(now: later) == nil)
        #expect(timers.count == 1)
    }
}

/// Counts jobs posted to a mailbox and stops once `expected` arrived (or after 60 s, so a lost
/// wake-up fails the test instead of hanging it).
private struct CountingHandler: EventLoopHandler {
    let mailbox: Mailbox<Int>
    let expected: Int
    let giveUpAt = Instant.now() + .seconds(60)
    var received = 0
    var inOrder = true
    var jobs: [Int] = []
    var isStopped = false

    init(mailbox: Mailbox<Int>, expected: Int) {
        self.mailbox = mailbox
        self.expected = expected
    }

    var hasPostedWork: Bool { mailbox.hasJobs }

    mutating func ready(token: UInt64, events: ReadyEvents, now: Instant) {}

    mutating func woken(now: Instant) {
        mailbox.take(into: &jobs)
        for job in jobs {
            if job != received { inOrder = false }
            received += 1
        }
        jobs.removeAll(keepingCapacity: true)
    }

    mutating func passEnded(now: Instant) -> Instant? {
        if received >= expected || now >= giveUpAt { isStopped = true }
        return giveUpAt
    }
}

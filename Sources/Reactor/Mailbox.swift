import Synchronization

/// Work handed to a loop from other threads: a mutex-protected array swapped out whole by the
/// owner, plus a wake-up signalled only when the box goes from empty to non-empty, and written only
/// while the owner sleeps (`WakeUp`): a burst of hand-overs costs at most one eventfd write, and
/// hand-overs to a busy loop none (it looks at its mailbox before it sleeps, `hasJobs`).
public final class Mailbox<Job: Sendable>: Sendable {
    // Inlinable so the broker's calls specialise for its job type: unspecialised generic code
    // cost about 2,400 instructions per hand-off (docs/benchmarks.md).
    @usableFromInline let jobs = Mutex<[Job]>([])
    /// Whether `jobs` is non-empty, readable without the lock: the owner asks once per pass
    /// (`hasJobs`), and the lock cost about 175 instructions there. Set and cleared under the lock;
    /// sequentially consistent against `WakeUp`'s arming (poster: set, then read the arming; owner:
    /// arm, then read this), so one of the two always sees the other.
    @usableFromInline let pending = Atomic<Bool>(false)
    public let wakeUp: WakeUp

    public init() throws(SystemError) {
        wakeUp = try WakeUp()
    }

    /// Adds one job; safe from any thread.
    @inlinable
    public func post(_ job: Job) {
        let wasEmpty = jobs.withLock { jobs in
            jobs.append(job)
            if jobs.count == 1 { pending.store(true, ordering: .sequentiallyConsistent) }
            return jobs.count == 1
        }
        if wasEmpty { wakeUp.signal() }
    }

    /// Adds a batch of jobs in order, emptying `batch` but keeping its capacity.
    @inlinable
    public func post(contentsOf batch: inout [Job]) {
        guard !batch.isEmpty else { return }
        let wasEmpty = jobs.withLock { jobs in
            let wasEmpty = jobs.isEmpty
            jobs.append(contentsOf: batch)
            if wasEmpty { pending.store(true, ordering: .sequentiallyConsistent) }
            return wasEmpty
        }
        batch.removeAll(keepingCapacity: true)
        if wasEmpty { wakeUp.signal() }
    }

    /// Whether jobs are waiting; for the owning loop, after `wakeUp.armForSleep()`.
    @inlinable
    public var hasJobs: Bool {
        pending.load(ordering: .sequentiallyConsistent)
    }

    /// Moves every pending job into `spare` (which must be empty), for the owning loop.
    @inlinable
    public func take(into spare: inout [Job]) {
        jobs.withLock { jobs in
            swap(&jobs, &spare)
            pending.store(false, ordering: .sequentiallyConsistent)
        }
    }
}

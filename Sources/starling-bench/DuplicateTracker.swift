// Duplicate detection with a sliding window, as anti-replay windows do: per tracked stream, the
// highest sequence number seen and a ring of 65,536 bits for the numbers just below it. A number
// above the highest advances the window (clearing the bits of numbers skipped over); one inside the
// window is a duplicate when its bit is already set; one older than the window cannot be judged and
// is counted as a duplicate, the pessimistic answer. Fixed memory: 8 KiB per stream.

/// Seen-sets for many streams of sequence numbers.
final class DuplicateTracker {
    static let windowBits: UInt64 = 65_536
    private static let wordsPerStream = Int(windowBits / 64)

    private let bits: UnsafeMutablePointer<UInt64>
    /// Per stream: one past the highest number seen (0: nothing seen yet).
    private let next: UnsafeMutablePointer<UInt64>
    private let streams: Int

    init(streams: Int) {
        self.streams = streams
        bits = .allocate(capacity: max(1, streams) * Self.wordsPerStream)
        bits.initialize(repeating: 0, count: max(1, streams) * Self.wordsPerStream)
        next = .allocate(capacity: max(1, streams))
        next.initialize(repeating: 0, count: max(1, streams))
    }

    deinit {
        bits.deallocate()
        next.deallocate()
    }

    /// Records `sequence` on `stream`; returns true when it was seen before.
    @inline(__always)
    func isDuplicate(stream: Int, sequence: UInt64) -> Bool {
        let words = bits + stream * Self.wordsPerStream
        let expected = next[stream]
        if sequence >= expected {
            if sequence - expected >= Self.windowBits {
                words.update(repeating: 0, count: Self.wordsPerStream)
            } else {
                var skipped = expected
                while skipped < sequence {
                    clear(skipped, in: words)
                    skipped += 1
                }
            }
            set(sequence, in: words)
            next[stream] = sequence + 1
            return false
        }
        if expected - sequence > Self.windowBits { return true }
        let word = Int((sequence % Self.windowBits) / 64)
        let mask: UInt64 = 1 << (sequence % 64)
        if words[word] & mask != 0 { return true }
        words[word] |= mask
        return false
    }

    @inline(__always)
    private func set(_ sequence: UInt64, in words: UnsafeMutablePointer<UInt64>) {
        words[Int((sequence % Self.windowBits) / 64)] |= 1 << (sequence % 64)
    }

    @inline(__always)
    private func clear(_ sequence: UInt64, in words: UnsafeMutablePointer<UInt64>) {
        words[Int((sequence % Self.windowBits) / 64)] &= ~(1 << (sequence % 64))
    }
}

/// A contiguous run of tasks handed to one slot: indices `start..<end`, all at one attempt.
public struct Chunk: Sendable, Equatable, CustomStringConvertible {
    /// The first index.
    public var start: Int
    /// One past the last index.
    public var end: Int
    /// Which try of these tasks this is (1 = first).
    public var attempt: Int
    /// The dispatch sequence number of the assignment that handed it out, counted by the
    /// coordinator from 1 in a part whose journal is sharded (see `Coordinator`); 0 otherwise.
    /// Each of its tasks' records carries it, so its shard's lines say their journal order.
    public var sequence: Int

    /// Makes a chunk.
    public init(start: Int, end: Int, attempt: Int = 1, sequence: Int = 0) {
        self.start = start
        self.end = end
        self.attempt = attempt
        self.sequence = sequence
    }

    /// How many tasks the chunk holds.
    public var count: Int { end - start }

    /// `[10, 20)` or `[10, 20) attempt 2`.
    public var description: String { "[\(start), \(end))" + (attempt > 1 ? " attempt \(attempt)" : "") }
}

extension Range<Int> {
    /// The parts of this range outside `other` (none, one or two).
    func cutting(_ other: Range<Int>) -> [Range<Int>] {
        [lowerBound..<Swift.max(lowerBound, Swift.min(upperBound, other.lowerBound)),
         Swift.min(upperBound, Swift.max(lowerBound, other.upperBound))..<upperBound].filter { !$0.isEmpty }
    }
}

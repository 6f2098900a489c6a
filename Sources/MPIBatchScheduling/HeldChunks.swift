/// The chunks one slot holds and has not fully reported, in the order it runs
/// them: a slot runs its chunks one after another, each in index order, so a
/// report for index i means every chunk before the one holding i is finished
/// (or was cut short by a stop), and that chunk is done up to i.
struct HeldChunks {
    private var chunks: [Chunk] = []

    /// The task the slot runs now (the first it has not reported), if it holds any.
    var current: Int? { chunks.first?.start }

    /// Whether the slot holds task `index` (running it, or in hand).
    func holds(_ index: Int) -> Bool { chunks.contains { ($0.start..<$0.end).contains(index) } }

    /// The tasks it holds within `range`.
    func indices(in range: Range<Int>) -> [Int] { chunks.flatMap { ($0.start..<$0.end).clamped(to: range) } }

    /// The slot was handed `chunk`.
    mutating func append(_ chunk: Chunk) {
        chunks.append(chunk)
    }

    /// The slot reported task `index`.
    mutating func reported(_ index: Int) {
        while let first = chunks.first, !(first.start..<first.end).contains(index) {
            chunks.removeFirst()
        }
        guard !chunks.isEmpty else { return }
        chunks[0].start = index + 1
        if chunks[0].start >= chunks[0].end { chunks.removeFirst() }
    }

    /// What is still held, forgotten.
    mutating func takeAll() -> [Chunk] {
        defer { chunks = [] }
        return chunks
    }
}

import Foundation
import MPIBatchCore
import Synchronization

/// The Gantt chart's task bars drawn in pieces at once, one thread per core: each piece is a
/// run of consecutive bars (rows in order, each row's spans in order), drawn into one writer
/// per group of bars; joining every group's pieces in order gives the bytes of one pass.
enum TimelineSVGPieces {
    /// One piece of the bars: each row it covers, with the range of that row's spans.
    typealias Piece = [(row: Int, spans: Range<Int>)]

    /// Bars a piece has at least: fewer are drawn faster than a thread starts.
    static let minimumBars = 20_000

    /// Splits the bars of rows having `spanCounts` spans into pieces (one per core, each of
    /// `minimumBars` at least), and draws each with `body` (given the piece and `groups` empty
    /// writers), the first on this thread and the others on threads of their own; returns each
    /// piece's writers, in order.
    static func draw(
        spanCounts: [Int], groups: Int, cores: Int = ProcessInfo.processInfo.activeProcessorCount,
        minimumBars: Int = minimumBars, _ body: @escaping @Sendable (Piece, inout [TimelineSVGWriter]) -> Void
    ) -> [[TimelineSVGWriter]] {
        let pieces = split(spanCounts, into: max(1, min(cores, spanCounts.reduce(0, +) / max(1, minimumBars))))
        let drawn = Mutex([[TimelineSVGWriter]](repeating: [], count: pieces.count))
        let draw: @Sendable (Int) -> Void = { number in
            let bars = pieces[number].reduce(0) { $0 + $1.spans.count }
            var writers = [TimelineSVGWriter](repeating: TimelineSVGWriter(capacity: 0), count: groups)
            writers[0] = TimelineSVGWriter(capacity: 200 * bars)  // the first group (ok) has most bars as a rule
            body(pieces[number], &writers)
            drawn.withLock { $0[number] = writers }
        }
        let threads = pieces.indices.dropFirst().map { number in
            BackgroundLoop(name: "mpibatch-svg") { _ in draw(number) }
        }
        draw(0)
        for thread in threads { thread.stopAndJoin() }
        return drawn.withLock { $0 }
    }

    /// The bars of rows having `spanCounts` spans in `count` runs of nearly equal length.
    static func split(_ spanCounts: [Int], into count: Int) -> [Piece] {
        let total = spanCounts.reduce(0, +)
        var pieces: [Piece] = []
        var row = 0
        var first = 0  // the next span of `row` not yet in a piece
        for number in 0..<count {
            var left = total * (number + 1) / count - total * number / count
            var piece: Piece = []
            while row < spanCounts.count, left > 0 || (number == count - 1) {
                let taken = number == count - 1 ? spanCounts[row] - first : min(left, spanCounts[row] - first)
                if taken > 0 { piece.append((row, first..<(first + taken))) }
                left -= taken
                first += taken
                if first == spanCounts[row] {
                    row += 1
                    first = 0
                }
            }
            pieces.append(piece)
        }
        return pieces
    }
}

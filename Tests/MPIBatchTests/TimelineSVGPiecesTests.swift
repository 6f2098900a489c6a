import Testing
@testable import MPIBatchReporting

/// The Gantt chart's bars drawn in pieces on several threads: the same bytes as one pass.
@Suite struct TimelineSVGPiecesTests {
    /// Rows of 5, 0, 7, 1, 0 and 3 spans (empty rows first, between and last).
    static let spanCounts = [0, 5, 0, 7, 1, 0, 3, 0]

    @Test func piecesCoverEveryBarOnceInOrderAndNearlyEqually() {
        let all = Self.spanCounts.enumerated().flatMap { row, count in (0..<count).map { (row, $0) } }
        for count in 1...20 {
            let pieces = TimelineSVGPieces.split(Self.spanCounts, into: count)
            #expect(pieces.count == count)
            let bars = pieces.flatMap { piece in piece.flatMap { part in part.spans.map { (part.row, $0) } } }
            #expect(bars.map(\.0) == all.map(\.0) && bars.map(\.1) == all.map(\.1), "\(count) pieces")
            let sizes = pieces.map { $0.reduce(0) { $0 + $1.spans.count } }
            #expect(sizes.max()! - sizes.min()! <= 1, "\(count) pieces: \(sizes)")
            #expect(pieces.allSatisfy { $0.allSatisfy { !$0.spans.isEmpty } })
        }
    }

    @Test func barsDrawnInPiecesOnThreadsAreTheBarsOfOnePass() {
        func drawn(cores: Int) -> [[UInt8]] {
            let pieces = TimelineSVGPieces.draw(spanCounts: Self.spanCounts, groups: 3, cores: cores, minimumBars: 1) { piece, groups in
                for (row, spans) in piece {
                    for span in spans { groups[(row + span) % 3].raw("<\(row).\(span)>") }
                }
            }
            return (0..<3).map { group in pieces.flatMap { $0[group].bytes } }
        }
        let onePass = drawn(cores: 1)
        #expect(onePass.map(\.count).reduce(0, +) > 0)
        for cores in [2, 3, 16, 64] { #expect(drawn(cores: cores) == onePass, "\(cores) cores") }
    }
}

import Testing
@testable import MPIBatchCore
@testable import MPIBatchScheduling
@testable import MPIBatchWorkloads

/// A stage graph's critical_path finding speaks only of graphs that finished and took long
/// enough to act on.
@Suite struct CriticalPathFindingTests {
    /// A clock that reads what the test set.
    private final class Clock {
        var seconds = 0.0
        func read() -> UInt64 { UInt64(seconds * 1e9) }
    }

    /// The findings of the chain a -> b, one task of `step` seconds each, back to back, the
    /// second ending with `status`.
    private func chainFindings(step: Double, status: TaskStatus = .ok) throws -> [Finding] {
        let (_, graph) = try loadStageGraph(stagesYAML([("a", [], ""), ("b", ["a"], "")]))
        let clock = Clock()
        var source = StageGraphSource(graph: graph, totalSlots: 2, clock: clock.read)
        #expect(source.next(forSlotOrdinal: 0) == 0..<1)
        clock.seconds = step
        source.finishedAndStored(stageRecord(0, seconds: step))
        #expect(source.next(forSlotOrdinal: 0) == 1..<2)
        clock.seconds = 2 * step
        source.finishedAndStored(stageRecord(1, status: status, seconds: step))
        #expect(source.isExhausted)
        return source.findings()
    }

    @Test func aPathOfSecondsIsJudged() throws {
        #expect(try chainFindings(step: 1).map(\.kind) == ["critical_path"])
    }

    @Test func aPathUnderASecondIsTooShortToJudge() throws {
        #expect(try chainFindings(step: 0.1).isEmpty)
    }

    @Test func aGraphWithAFailedStageSaysNothingOfSlots() throws {
        #expect(try chainFindings(step: 1, status: .failed).isEmpty)
    }
}

import Testing
@testable import MPIBatchScheduling
@testable import MPIBatchWorkloads

/// The scheduler's decisions, driven directly: which stage a free slot gets, and when none.
@Suite struct StageSourceTests {
    private func source(_ stages: [(name: String, after: [String], extra: String)], slots: Int) throws -> StageGraphSource {
        let (_, graph) = try loadStageGraph(stagesYAML(stages))
        return StageGraphSource(graph: graph, totalSlots: slots)
    }

    @Test func theLongestRemainingPathGoesFirst() throws {
        var source = try source([
            ("short", [], "estimate: 100ms"), ("long1", [], "estimate: 1s"), ("long2", ["long1"], "estimate: 1s"),
            ("mid", [], "estimate: 1500ms"),
        ], slots: 1)
        #expect(source.next(forSlotOrdinal: 0) == 1..<2)  // long1: 2 s to the end
        source.finishedAndStored(stageRecord(1))
        #expect(source.next(forSlotOrdinal: 0) == 3..<4)  // mid 1.5 s beats long2 1 s
        source.finishedAndStored(stageRecord(3))
        #expect(source.next(forSlotOrdinal: 0) == 2..<3)
        source.finishedAndStored(stageRecord(2))
        #expect(source.next(forSlotOrdinal: 0) == 0..<1)
        source.finishedAndStored(stageRecord(0))
        #expect(source.isExhausted)
    }

    @Test func noBarrierPerLevel() throws {
        var source = try source([("a", [], "estimate: 1s"), ("b", ["a"], "estimate: 1s"), ("c", [], "estimate: 10s")], slots: 2)
        #expect(source.next(forSlotOrdinal: 0) == 2..<3)  // c, the longest
        #expect(source.next(forSlotOrdinal: 1) == 0..<1)  // a
        #expect(source.next(forSlotOrdinal: 1) == nil)  // the slot is still busy
        source.finishedAndStored(stageRecord(0))
        #expect(source.next(forSlotOrdinal: 1) == 1..<2)  // b starts while c (level 0) still runs
    }

    @Test func aSlotGetsNoSecondChunkWhileItsFirstRuns() throws {
        var source = try source([("a", [], ""), ("b", [], "")], slots: 2)
        #expect(source.next(forSlotOrdinal: 0) == 0..<1)
        #expect(source.next(forSlotOrdinal: 0) == nil)
        #expect(source.next(forSlotOrdinal: 1) == 1..<2)
    }

    @Test func anExclusiveStageRunsAlone() throws {
        var source = try source([
            ("x", [], "estimate: 2s"), ("e", [], "estimate: 1s\n    exclusive: true"), ("y", [], "estimate: 500ms"),
        ], slots: 3)
        #expect(source.next(forSlotOrdinal: 0) == 0..<1)  // x, the most urgent
        #expect(source.next(forSlotOrdinal: 1) == nil)  // e is next: it waits for x, and y does not jump ahead
        source.finishedAndStored(stageRecord(0))
        #expect(source.next(forSlotOrdinal: 1) == 1..<2)  // e, alone
        #expect(source.next(forSlotOrdinal: 0) == nil)
        #expect(source.next(forSlotOrdinal: 2) == nil)
        source.finishedAndStored(stageRecord(1))
        #expect(source.next(forSlotOrdinal: 2) == 2..<3)
    }

    @Test func anExclusiveFanOutSharesSlotsOnlyWithItself() throws {
        let (_, graph) = try loadStageGraph("""
            stages:
              - name: acc
                exclusive: true
                sweep: {grid: {i: [1, 2, 3, 4]}}
                task: {kernel: noop}
              - name: other
                kernel: noop
            """)
        var source = StageGraphSource(graph: graph, totalSlots: 2)
        #expect(source.next(forSlotOrdinal: 0) == 0..<1)
        #expect(source.next(forSlotOrdinal: 1) == 1..<2)
        source.finishedAndStored(stageRecord(0))
        #expect(source.next(forSlotOrdinal: 0) == 2..<3)
        source.finishedAndStored(stageRecord(1))
        #expect(source.next(forSlotOrdinal: 1) == 3..<4)
        source.finishedAndStored(stageRecord(2))
        #expect(source.next(forSlotOrdinal: 0) == nil)  // acc's last task still runs
        source.finishedAndStored(stageRecord(3))
        #expect(source.next(forSlotOrdinal: 0) == 4..<5)
    }

    @Test func aFailedStageSkipsItsDependentsAndTheBranchesFinish() throws {
        var source = try source([("a", [], "estimate: 2s"), ("b", ["a"], ""), ("c", ["b"], ""), ("d", [], "estimate: 1s")], slots: 2)
        #expect(source.next(forSlotOrdinal: 0) == 0..<1)
        #expect(source.next(forSlotOrdinal: 1) == 3..<4)
        source.finishedAndStored(stageRecord(0, status: .failed))
        #expect(source.next(forSlotOrdinal: 0) == nil)
        #expect(source.isExhausted)  // b and c never run; d is in flight
        source.finishedAndStored(stageRecord(3))
        #expect(source.progress.map(\.status) == [.failed, .skipped, .skipped, .succeeded])
        #expect(source.humanSummary().contains("skipped stages: b, c"))
    }

    @Test func aFanOutIsHandedOutInShrinkingChunks() throws {
        let (_, graph) = try loadStageGraph("""
            stages:
              - name: fan
                sweep: {grid: {i: {range: [0, 40, 1]}}}
                task: {kernel: noop}
            """)
        var source = StageGraphSource(graph: graph, totalSlots: 2)
        #expect(source.next(forSlotOrdinal: 0) == 0..<10)
        #expect(source.next(forSlotOrdinal: 1) == 10..<17)
    }

    @Test func warnAfterIsReportedOnce() throws {
        nonisolated(unsafe) var now: UInt64 = 0
        let (_, graph) = try loadStageGraph(stagesYAML([("slow", [], "warn_after: 1s"), ("b", [], "")]))
        var source = StageGraphSource(graph: graph, totalSlots: 2, clock: { now })
        _ = source.next(forSlotOrdinal: 0)
        _ = source.next(forSlotOrdinal: 1)
        now = 2_000_000_000
        source.finishedAndStored(stageRecord(1))
        source.finishedAndStored(stageRecord(0))
        #expect(source.warnings == ["stage 'slow' has run 2.000 s, past its warn_after of 1.000 s"])
    }

    @Test func measuredCriticalPathAndSummaryFields() throws {
        nonisolated(unsafe) var now: UInt64 = 0
        let (_, graph) = try loadStageGraph(stagesYAML([("a", [], ""), ("b", ["a"], ""), ("c", [], "")]))
        var source = StageGraphSource(graph: graph, totalSlots: 2, clock: { now })
        #expect(source.next(forSlotOrdinal: 0) == 0..<1)  // a at 0 s (a -> b is the longer path)
        #expect(source.next(forSlotOrdinal: 1) == 2..<3)  // c at 0 s
        now = 1_000_000_000
        source.finishedAndStored(stageRecord(0, seconds: 1))
        #expect(source.next(forSlotOrdinal: 0) == 1..<2)  // b at 1 s
        now = 2_000_000_000
        source.finishedAndStored(stageRecord(2, seconds: 4))
        now = 4_000_000_000
        source.finishedAndStored(stageRecord(1, seconds: 3))
        #expect(source.measuredCriticalPath.length == 4)
        #expect(source.measuredCriticalPath.stages == [0, 1])
        guard case .stageGraph(let figures) = source.summaryFigures() else {
            Issue.record("no stage graph figures")
            return
        }
        #expect(figures.maxSpeedup == 2)
        #expect(figures.graphWallSeconds == 4)
        let b = try #require(figures.stages["b"])
        #expect(b.status == "succeeded" && b.level == 1 && b.tasks == 1 && b.tasksFailed == 0)
        #expect(b.seconds == 3 && b.start == 1 && b.end == 4)
    }
}

import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchReporting
@testable import MPIBatchScheduling
@testable import MPIBatchWorkloads

/// Findings neither contradict each other nor fire on runs too small or cut short to
/// judge, and never advise what is already in use.
@Suite struct RunFindingsTests {
    @Test func interruptedOrTrivialRunsHaveNoFiguresFindings() {
        var waiting = finishedRun(tasks: 100, slots: 2)  // CPU ÷ busy 0.1: I/O-bound
        #expect(RunFindings.make(summary: waiting, tasks: nil, source: []).map(\.kind) == ["io_bound"])
        waiting.interrupted = true
        #expect(RunFindings.make(summary: waiting, tasks: nil, source: []).isEmpty)
        let late = Finding(kind: "stage_over_warn_after", message: "m", numbers: [], recommendation: "r")
        #expect(RunFindings.make(summary: waiting, tasks: nil, source: [late]) == [late])
        let single = finishedRun(tasks: 1, slots: 2, busy: 20)
        #expect(RunFindings.make(summary: single, tasks: nil, source: []).isEmpty)
        // Every task had a slot: more slots would not have overlapped anything.
        #expect(RunFindings.make(summary: finishedRun(tasks: 2, slots: 2), tasks: nil, source: []).isEmpty)
    }

    @Test func moreSlotsAreNotAdvisedBesideAPathThatSetTheWallTime() {
        let bound = Finding(
            kind: "critical_path", message: "m", numbers: [.init("critical_path_seconds", 5), .init("graph_wall_seconds", 5.2)],
            recommendation: "more slots will not make it faster")
        #expect(RunFindings.make(summary: finishedRun(tasks: 100), tasks: nil, source: [bound]).map(\.kind) == ["critical_path"])
        var waited = bound
        waited.numbers = [.init("critical_path_seconds", 5), .init("graph_wall_seconds", 9)]
        #expect(RunFindings.make(summary: finishedRun(tasks: 100), tasks: nil, source: [waited]).map(\.kind) == ["io_bound", "critical_path"])
    }

    /// A run directory whose journal has an idle tail: slot 0 runs one 10 s task, slot 1 runs
    /// ten of 0.1 s and then idles.
    private func idleTailRun() throws -> String {
        let directory = makeJobTestDirectory()
        var lines = [#"{"index":0,"params":{},"status":"ok","seconds":10,"start":0,"rank":0,"slot":0,"attempt":1,"value":null,"error":null}"#]
        for index in 1...10 {
            lines.append(
                #"{"index":\#(index),"params":{},"status":"ok","seconds":0.1,"start":\#(Double(index - 1) * 0.1),"rank":0,"slot":1,"attempt":1,"value":null,"error":null}"#)
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: directory + "/results.jsonl", atomically: true, encoding: .utf8)
        return directory
    }

    /// The findings of the idle-tail run under `policy` on `slots` slots, beside `source`'s.
    private func idleTailFindings(policy: ChunkPolicy, slots: Int = 2, source: [Finding] = []) throws -> [Finding] {
        var run = finishedRun(tasks: 11, slots: slots, busy: 11)
        run.ranks[0].cpuSeconds = 11
        run.chunkPolicy = policy
        let pass = try RunReportPass(directory: try idleTailRun(), summary: run, findings: true)
        return RunFindings.make(summary: run, tasks: pass.taskTimes, source: source)
    }

    @Test func theIdleTailFindingNeverAdvisesThePolicyInUse() throws {
        for policy in ChunkPolicy.allCases {
            let tail = try #require(try idleTailFindings(policy: policy).first { $0.kind == "idle_tail" })
            #expect(!tail.recommendation.contains("--chunk \(policy.rawValue)"), "\(policy): \(tail.recommendation)")
            #expect(tail.recommendation.contains("--chunk"))
        }
    }

    @Test func noIdleTailWhenEveryTaskHadASlot() throws {
        #expect(try idleTailFindings(policy: .static, slots: 2).contains { $0.kind == "idle_tail" })
        #expect(try !idleTailFindings(policy: .static, slots: 11).contains { $0.kind == "idle_tail" })
    }

    @Test func noIdleTailBesideAPathThatSetTheWallTime() throws {
        let bound = Finding(
            kind: "critical_path", message: "m", numbers: [.init("critical_path_seconds", 10), .init("graph_wall_seconds", 10.1)],
            recommendation: "more slots will not make it faster")
        let kinds = try idleTailFindings(policy: .static, source: [bound]).map(\.kind)
        #expect(!kinds.contains("idle_tail") && kinds.contains("critical_path"), "\(kinds)")
    }

    @Test func timeSavedIsCalledSoAndNeverNegative() {
        #expect(StageGraphSource.timeSaved(work: 10, wall: 6.72) == "saved 32.8% of the sequential time (its tasks one after another)")
        #expect(StageGraphSource.timeSaved(work: 1, wall: 2.984) == "no time saved against running its tasks one after another")
        #expect(StageGraphSource.timeSaved(work: 0, wall: 0) == "no time saved against running its tasks one after another")
    }
}

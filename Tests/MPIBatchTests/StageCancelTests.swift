import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchReporting
@testable import MPIBatchRuntime
@testable import MPIBatchScheduling
@testable import MPIBatchWorkloads

/// `mpibatch cancel DIR --stage NAME` (issue 31): the stage hands out nothing more, its tasks
/// that have not run are journaled `cancelled`, its dependents are skipped, the run exits 0;
/// `--resume` leaves them so, `--resume --retry-cancelled` runs them.
@Suite struct StageCancelTests {
    /// first → mid (`tasks` sleeps of `ms` each) → after → last, and side after first.
    /// Global indices: first 0, mid 1...tasks, after tasks+1, last tasks+2, side tasks+3.
    private func chain(tasks: Int, ms: Int) -> String {
        """
        name: chain
        stages:
          - name: first
            kernel: noop
          - name: mid
            after: first
            sweep: {grid: {i: {range: [0, \(tasks), 1]}}}
            task: {kernel: sleep, args: {ms: \(ms)}}
          - name: after
            after: mid
            kernel: noop
          - name: last
            after: after
            kernel: noop
          - name: side
            after: first
            kernel: noop
        """
    }

    private func workload(_ yaml: String, directory: String) throws -> StageGraphWorkload {
        let (job, graph) = try loadStageGraph(yaml)
        return try StageGraphWorkload(graph: graph, jobSeed: job.seed, kernels: KernelCatalog.builtIn, outputDirectory: directory)
    }

    /// The stage name of a journal line.
    private func stage(_ line: [String: Any]) -> String { (line["params"] as? [String: Any])?["stage"] as? String ?? "" }

    @Test func theSourceHandsOutNothingMoreOfACancelledStageAndSkipsItsDependents() throws {
        let (_, graph) = try loadStageGraph(chain(tasks: 6, ms: 1))
        var source = StageGraphSource(graph: graph, totalSlots: 2)
        #expect(source.cancelStage(named: "first") == .cancelled(handedOut: 0..<0, notHandedOut: [0..<1], skipped: ["mid", "after", "last", "side"]))
        #expect(source.stagesLine() == "ready 1, skipped 4")  // until its task, handed to the coordinator to settle, is back
        source.finished(TaskRecord.cancelled(0))
        #expect(source.isExhausted && source.next(forSlotOrdinal: 0) == nil && source.stagesLine() == "cancelled 1, skipped 4")

        source = StageGraphSource(graph: graph, totalSlots: 2)
        #expect(source.next(forSlotOrdinal: 0) == 0..<1)
        source.finishedAndStored(stageRecord(0))
        #expect(source.next(forSlotOrdinal: 0) == 1..<2)  // mid: the longest path; guided chunks of one
        #expect(source.cancelStage(named: "mdi") == .refused("no stage 'mdi' in this run (did you mean 'mid'?)"))
        #expect(source.cancelStage(named: "first") == .refused("stage 'first' has already succeeded: nothing to cancel"))
        #expect(source.cancelStage(named: "mid") == .cancelled(handedOut: 1..<2, notHandedOut: [2..<7], skipped: ["after", "last"]))
        #expect(source.cancelStage(named: "mid") == .unchanged("stage 'mid' is already cancelled"))
        #expect(source.cancelStage(named: "last") == .refused("stage 'last' has already been skipped: nothing to cancel"))
        #expect(source.next(forSlotOrdinal: 1) == 9..<10)  // side goes on
        for index in 2..<7 { source.finished(TaskRecord.cancelled(index)) }
        #expect(source.stagesLine()?.contains("running 2 (mid, side)") == true)  // mid's running task is not back
        source.finishedAndStored(stageRecord(1, status: .cancelled))
        source.finishedAndStored(stageRecord(9))
        #expect(source.isExhausted)
        guard case .stageGraph(let summary) = source.summaryFigures() else { Issue.record("no stage summary"); return }
        #expect(summary.stagesCancelled == ["mid"] && summary.stagesSkippedAfterCancel == ["after", "last"])
        #expect(summary.tasksSkippedAfterCancel == 2 && summary.stages["mid"]?.status == "cancelled" && summary.stagesFailed.isEmpty)
        #expect(source.humanSummary().contains("cancelled stages (mpibatch cancel --stage): mid; skipped after them: after, last"))
    }

    @Test func theCoordinatorCancelsHeldTasksWhereTheyAreAndJournalsTheRest() throws {
        var flat = Coordinator(taskCount: 4, retries: 0, failFast: false, policy: .dynamic, slotsPerRank: [1], reducer: nil)
        let refused = flat.cancelStage("fit")
        #expect(refused.refused && refused.outcome.contains("not a stage graph") && refused.actions.isEmpty)

        let (_, graph) = try loadStageGraph(chain(tasks: 6, ms: 1))
        var coordinator = Coordinator(
            source: StageGraphSource(graph: graph, totalSlots: 2), retries: { _ in 1 }, failFast: false, slotsPerRank: [1, 1],
            reducer: nil)
        _ = coordinator.start()
        #expect(coordinator.handle(.request(slot: 0, chunks: 1), from: 0).contains(.send(.assign(slot: 0, chunk: Chunk(start: 0, end: 1)), to: 0)))
        _ = coordinator.handle(.results(slot: 0, records: [stageRecord(0)], wantsMore: false), from: 0)
        _ = coordinator.stageValueStored(0, failure: nil)
        _ = coordinator.handle(.request(slot: 0, chunks: 1), from: 1)  // rank 1 takes mid's first task
        let failed = TaskRecord(index: 1, attempt: 1, status: .failed, rank: 1, slot: 0, start: 0, seconds: 0.01, value: .none, error: "boom")
        _ = coordinator.handle(.results(slot: 0, records: [failed], wantsMore: false), from: 1)  // queued for its retry
        _ = coordinator.handle(.request(slot: 0, chunks: 1), from: 0)  // rank 0 takes the retry of 1
        let held = coordinator.busySlots().map(\.index)
        let (actions, outcome, wasRefused) = coordinator.cancelStage("mid")
        #expect(!wasRefused && outcome.contains("stage 'mid' cancelled") && outcome.hasSuffix("dependents skipped: after, last"), "\(outcome)")
        #expect(held == [1] && actions.contains(.send(.cancel(1..<2, byUser: true), to: 0)), "\(held) \(actions)")
        let journaled = actions.flatMap { action -> [TaskRecord] in if case .record(let records) = action { records } else { [] } }
        #expect(journaled.map(\.index) == Array(2..<7) && journaled.allSatisfy { $0.status == .cancelled })
        #expect(journaled.allSatisfy { $0.error == "cancelled: by mpibatch cancel" })
        // The retry comes back cancelled: settled by the user, not retried, not failed.
        let back = coordinator.handle(
            .results(slot: 0, records: [TaskRecord.cancelled(1, attempt: 2, rank: 0)], wantsMore: true), from: 0)
        #expect(coordinator.cancelledByUser == 6 && coordinator.failed == 0)
        #expect(back.contains(.send(.assign(slot: 0, chunk: Chunk(start: 9, end: 10)), to: 0)), "\(back)")  // side
    }

    /// A real run (two in-memory ranks): `mid` cancelled through `control.jsonl` while it runs.
    @Test func aRunningStageIsCancelledAndStaysSoOnResumeUnlessRetried() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tasks = 40
        let (summary, lines, answer) = try await run(sending: .cancelStage("mid"), in: directory, tasks: tasks)
        #expect(!answer.refused && answer.outcome.contains("dependents skipped: after, last"), "\(answer.outcome)")
        #expect(summary.exitStatus == 0 && summary.stageGraph?.stagesCancelled == ["mid"])
        #expect(summary.stageGraph?.stagesSkippedAfterCancel == ["after", "last"] && summary.stageGraph?.tasksSkippedAfterCancel == 2)
        #expect(Set(lines.map(stage)) == ["first", "mid", "side"])
        let mid = lines.filter { stage($0) == "mid" }
        #expect(Set(mid.compactMap { $0["index"] as? Int }) == Set(1...tasks) && mid.count == tasks)
        let cancelled = mid.filter { $0["status"] as? String == "cancelled" }
        #expect(!cancelled.isEmpty && cancelled.allSatisfy { $0["error"] as? String == "cancelled: by mpibatch cancel" })
        #expect(summary.tasksCancelledByUser == cancelled.count && summary.tasksSucceeded == 2 + tasks - cancelled.count)
        let text = summary.humanText()
        #expect(text.contains(", 2 not run") && text.contains("; cancelled stages: mid\n"), "\(text)")
        #expect(text.contains("cancelled stages (mpibatch cancel --stage): mid; skipped after them: after, last\n"), "\(text)")
        #expect(try RunRecordFile.cancelledStages.read(from: directory) == ["mid"])

        let quick = try workload(chain(tasks: tasks, ms: 5), directory: directory)
        let (resumed, again) = try await runInMemory(quick, ranks: 2, directory: directory, resume: true)
        #expect(again.count == lines.count && resumed.exitStatus == 0 && resumed.stageGraph?.stagesCancelled == ["mid"])
        #expect(resumed.tasksCancelledByUser == cancelled.count)

        let (retried, all) = try await runInMemory(quick, ranks: 2, directory: directory, resume: true, retryCancelled: true)
        #expect(retried.exitStatus == 0 && retried.stageGraph?.stagesCancelled == nil && retried.tasksSucceeded == tasks + 4)
        let rerun = all.dropFirst(lines.count)
        #expect(Set(rerun.map(stage)) == ["mid", "after", "last"] && rerun.allSatisfy { $0["status"] as? String == "ok" })
        #expect(rerun.filter { stage($0) == "mid" }.count == cancelled.count)
        #expect(try RunRecordFile.cancelledStages.read(from: directory).isEmpty)
    }

    /// A run stopped after its stage was recorded cancelled, before the stage's tasks were
    /// journaled (a kill in between): the resume cancels it again, journaling what it had left.
    @Test func aResumeCancelsARecordedStageAgain() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tasks = 40
        let (stopped, lines, _) = try await run(sending: .stop(now: true), in: directory, tasks: tasks)
        #expect(stopped.exitStatus == 3)
        try RunRecordFile.cancelledStages.write(["mid"], to: directory)
        let (resumed, all) = try await runInMemory(
            try workload(chain(tasks: tasks, ms: 5), directory: directory), ranks: 2, directory: directory, resume: true)
        #expect(resumed.exitStatus == 0 && resumed.stageGraph?.stagesCancelled == ["mid"])
        let final = Dictionary(all.map { ($0["index"] as? Int ?? -1, $0["status"] as? String ?? "") }, uniquingKeysWith: { $1 })
        #expect((1...tasks).allSatisfy { final[$0] == "ok" || final[$0] == "cancelled" })
        #expect(final[tasks + 1] == nil && final[tasks + 2] == nil && final[tasks + 3] == "ok")
        #expect(all.dropFirst(lines.count).allSatisfy { stage($0) != "mid" || $0["status"] as? String == "cancelled" })
    }

    /// Runs the chain (`tasks` sleeps of 300 ms in mid) in `directory` on two in-memory ranks,
    /// sending `action` through `control.jsonl` once mid runs (waiting up to a minute for it).
    private func run(sending action: ControlRequest.Action, in directory: String, tasks: Int) async throws
        -> (summary: RunSummary, lines: [[String: Any]], answer: RunStatus.Answer)
    {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let control = Task.detached {
            for _ in 0..<1200 {
                if (try? RunStatusReader.read(directory: directory))?.stages?.contains("(mid") == true { break }
                try await Task.sleep(nanoseconds: 50_000_000)
            }
            return try RunControl.send(ControlRequest(action), to: directory, timeoutSeconds: 10)
        }
        let (summary, lines) = try await runInMemory(
            try workload(chain(tasks: tasks, ms: 300), directory: directory), ranks: 2, directory: directory)
        return (summary, lines, try await control.value)
    }

    /// `cancelled-stages.json` cannot be written (a directory stands in its place, as a full
    /// disk would refuse it): the cancel is still done, with a warning, and the run ends well.
    @Test func aCancelThatCannotBeRecordedIsStillDone() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/cancelled-stages.json", withIntermediateDirectories: true)
        let (summary, lines, answer) = try await run(sending: .cancelStage("mid"), in: directory, tasks: 40)
        #expect(!answer.refused && summary.exitStatus == 0 && summary.stageGraph?.stagesCancelled == ["mid"])
        #expect(lines.contains { $0["status"] as? String == "cancelled" })
    }

    @Test func aStageRequestIsOneLineOfTheControlFile() throws {
        let request = ControlRequest(.cancelStage("fit"))
        #expect(try ControlRequest(parsing: Substring(request.line.dropLast())) == request)
        for (line, problem) in [
            ("{\"id\":\"a\",\"request\":\"cancel\",\"stage\":\"fit\",\"indices\":[1]}", "\"indices\" and \"stage\" together"),
            ("{\"id\":\"a\",\"request\":\"cancel\",\"stage\":\"\"}", "\"stage\" is empty"),
            ("{\"id\":\"a\",\"request\":\"cancel\",\"stage\":7}", "\"stage\" has the wrong type"),
        ] {
            do {
                _ = try ControlRequest(parsing: Substring(line))
                Issue.record("\(line) parsed")
            } catch { #expect("\(error)".contains(problem), "\(line): \(error)") }
        }
    }
}

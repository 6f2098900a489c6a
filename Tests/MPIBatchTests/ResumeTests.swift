import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJournal
@testable import MPIBatchLaunch
@testable import MPIBatchRuntime
@testable import MPIBatchScheduling

@Suite struct ResumeTests {
    @Test func journalStateCutsATornLastLineAndCountsAttempts() throws {
        let directory = temporaryRunDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/results.jsonl"
        func line(_ index: Int, _ status: String, value: String = "null") -> String {
            #"{"index":\#(index),"params":{"status":"ok"},"status":"\#(status)","seconds":0.5,"start":1.25,"#
                + #""rank":0,"slot":0,"attempt":1,"value":\#(value),"error":null}"#
        }
        let lines = [
            line(0, "ok", value: "[1.5,2.0]"), line(1, "failed"), line(1, "timeout"), line(2, "interrupted"),
            line(3, "failed"), line(3, "ok", value: #""done""#), line(0, "ok", value: "[9.0]"),
        ]
        try (lines.joined(separator: "\n") + "\n" + #"{"index":4,"sta"#).write(
            toFile: path, atomically: false, encoding: .utf8)
        let state = try JournalState(journal: JournalShards(file: path), taskCount: 5, parts: [], keepValues: true)
        #expect(state.succeeded == IndexRanges([0, 3]))
        #expect(state.failedAttempts == [1: 2])
        #expect(state.tornBytes == 15)
        #expect(state.values.map(\.index) == [0, 3])  // the duplicate ok line of 0 does not count twice
        #expect(state.values.first?.value == .numbers([1.5, 2.0]))
        #expect(state.values.last?.value == .text("done"))
        #expect(state.lastEnd == 1.75)
        #expect(state.parts.first?.attempts == 7)
        let after = try String(contentsOfFile: path, encoding: .utf8)
        #expect(after.hasSuffix("\"error\":null}\n"))
    }

    @Test func resumingSourceSkipsJournaledIndicesAndReportsThem() {
        var source = ResumingSource(
            inner: IndexDispenser(policy: .static, taskCount: 10, totalSlots: 1),
            skipping: IndexRanges([0, 1, 4, 9]), isolating: IndexRanges([6]), values: [:])
        var handed: [Range<Int>] = []
        while let range = source.next(forSlotOrdinal: 0) { handed.append(range) }
        #expect(handed == [2..<4, 5..<6, 6..<7, 7..<9])
        #expect(source.isExhausted)
    }

    @Test func resumeRunsOnlyWhatIsMissingWithAttemptsCarriedOn() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = CountingWorkload(taskCount: 200, retries: 1, failing: [7, 150])
        let (before, _) = try await runInMemory(first, ranks: 2, directory: directory)
        #expect(before.tasksFailed == 2)
        // The cause is fixed: every task now succeeds.
        let (after, lines) = try await runInMemory(
            CountingWorkload(taskCount: 200, retries: 1), ranks: 3, directory: directory, resume: true)
        #expect(after.tasksSucceeded == 200)
        #expect(after.tasksFailed == 0)
        #expect(after.parts.last?.attempts == 2)  // only 7 and 150 ran again
        #expect(after.attempts == 204)  // the summary covers both parts
        #expect(after.parts.count == 2 && after.parts[0].attempts == 202)
        let reruns = lines.filter { ($0["index"] as? Int) == 7 }.map { $0["attempt"] as! Int }
        #expect(reruns == [1, 2, 3])
        let ok = lines.filter { $0["status"] as? String == "ok" }.map { $0["index"] as! Int }
        #expect(ok.sorted() == Array(0..<200))
        // The resumed run's times come after the first run's, so a timeline does not overlap them.
        let firstRunEnd = lines.prefix(202).map { ($0["start"] as! Double) + ($0["seconds"] as! Double) }.max()!
        let resumedStarts = lines.dropFirst(202).map { $0["start"] as! Double }
        #expect(resumedStarts.allSatisfy { $0 >= firstRunEnd })
    }

    @Test func resumeRefusesAChangedJob() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try await runInMemory(CountingWorkload(taskCount: 5), ranks: 1, directory: directory)
        let configuration = RunConfiguration(name: "test", outputDirectory: directory, behaviour: RunBehaviour(resume: true))
        #expect(throws: RunFileError.self) {
            try PreparedRun.prepare(
                configuration: configuration, jobHash: "other", job: CountingWorkload(taskCount: 5), taskCount: 5, keepValues: false)
        }
        let forced = RunConfiguration(
            name: "test", outputDirectory: directory, behaviour: RunBehaviour(resume: true, force: true))
        _ = try PreparedRun.prepare(
            configuration: forced, jobHash: "other", job: CountingWorkload(taskCount: 5), taskCount: 5, keepValues: false)
    }

    @Test func anEarlierJournalWithoutResumeIsRefused() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try await runInMemory(CountingWorkload(taskCount: 5), ranks: 1, directory: directory)
        #expect(throws: RunFileError.self) {
            try PreparedRun.prepare(
                configuration: RunConfiguration(name: "test", outputDirectory: directory), jobHash: "test",
                job: CountingWorkload(taskCount: 5), taskCount: 5, keepValues: false)
        }
    }
}

@Suite struct InterruptTests {
    @Test func aSignalDrainsAndTheRestResumes() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let started = StartCounter()
        let slow = CountingWorkload(taskCount: 400, sleepMicroseconds: 5_000, started: started)
        let (stopped, _) = try await runInMemory(
            slow, ranks: 2, policy: .dynamic, directory: directory, interruptWhen: { await started.wait(for: 20) })
        #expect(stopped.interrupted)
        #expect(stopped.tasksSucceeded < 400)
        #expect(stopped.tasksFailed == 0)
        let (resumed, lines) = try await runInMemory(slow, ranks: 2, directory: directory, resume: true)
        #expect(!resumed.interrupted)
        #expect(resumed.tasksSucceeded == 400)
        let ok = lines.filter { $0["status"] as? String == "ok" }.map { $0["index"] as! Int }
        #expect(ok.sorted() == Array(0..<400))
    }

    /// Tasks that never end on their own: only the end of the grace period can end them, however
    /// long CPU-heavy suites running beside this one hold the cooperative threads (the time limit
    /// only keeps a broken grace from hanging the test run).
    @Test(.timeLimit(.minutes(10))) func tasksPastTheGraceAreInterruptedNotFailed() async throws {
        let running = StartCounter()
        let hanging = CountingWorkload(taskCount: 4, runsUntilCancelled: true, started: running)
        let (summary, lines) = try await runInMemory(
            hanging, ranks: 2, slots: 1, graceSeconds: 0.2, interruptWhen: { await running.wait(for: 2) })
        #expect(summary.interrupted)
        #expect(summary.tasksFailed == 0)
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { $0["status"] as? String == "interrupted" })
    }
}

@Suite struct DeadlineTests {
    private final class FakeClock: @unchecked Sendable {
        // Tests only: read and written from the test's one thread.
        var now = 0.0
    }

    private func ok(_ index: Int, seconds: Double) -> TaskRecord {
        TaskRecord(index: index, attempt: 1, status: .ok, rank: 0, slot: 0, start: 0, seconds: seconds, value: .none, error: nil)
    }

    private func assigned(_ actions: [CoordinatorAction]) -> [Chunk] {
        actions.compactMap { if case .send(.assign(_, let chunk), _) = $0 { chunk } else { nil } }
    }

    @Test func chunksAreCutToFitAndTheRunStopsWhenNothingFits() {
        let clock = FakeClock()
        var coordinator = Coordinator(
            source: IndexDispenser(policy: .dynamic, taskCount: 1000, totalSlots: 1), retries: { _ in 0 }, failFast: false,
            slotsPerRank: [1], reducer: nil, deadline: 10, clock: { clock.now })
        // Nothing measured yet: a whole chunk (1000 / 64 → 16 tasks).
        #expect(assigned(coordinator.handle(.request(slot: 0, chunks: 1), from: 0)) == [Chunk(start: 0, end: 16)])
        // Tasks take 0.5 s and 5 s are left: 10 fit; the other 6 wait their turn.
        clock.now = 5
        let cut = coordinator.handle(.results(slot: 0, records: (0..<16).map { ok($0, seconds: 0.5) }, wantsMore: true), from: 0)
        #expect(assigned(cut) == [Chunk(start: 16, end: 26)])
        #expect(!coordinator.interrupted)
        // 0.2 s left: not even one task fits → drain, resumable.
        clock.now = 9.8
        let late = coordinator.handle(.results(slot: 0, records: (16..<26).map { ok($0, seconds: 0.5) }, wantsMore: true), from: 0)
        #expect(assigned(late).isEmpty)
        #expect(late.contains { if case .send(.stop, _) = $0 { true } else { false } })
        #expect(coordinator.interrupted)
        #expect(coordinator.stopReason?.contains("deadline") == true)
    }
}

@Suite struct CompactedResultsTests {
    @Test func eachIndexOnceInOrderOkPreferred() throws {
        let times = #""seconds":0.1,"start":0,"rank":0,"slot":0"#
        let directory = temporaryRunDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lines = [
            #"{"index":10,"params":{"s":"\"status\":\"ok\""},"status":"failed","attempt":1,\#(times)}"#,
            #"{"index":2,"params":{"status":"ok"},"status":"ok","attempt":1,\#(times)}"#,
            #"{"index":10,"params":{},"status":"ok","attempt":2,\#(times)}"#,
            #"{"index":3,"params":{"status":"ok"},"status":"failed","attempt":1,\#(times)}"#,
            #"{"index":3,"params":{},"status":"interrupted","attempt":2,\#(times)}"#,
        ]
        try (lines.joined(separator: "\n") + "\n").write(
            toFile: directory + "/results.jsonl", atomically: false, encoding: .utf8)
        let pipe = Pipe()
        try CompactedResults.write(directory: directory, to: pipe.fileHandleForWriting)
        try pipe.fileHandleForWriting.close()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(output == [lines[1], lines[4], lines[2]].joined(separator: "\n") + "\n")
    }
}

@Suite struct IndexRangesTests {
    @Test func collapsesAndFindsGaps() {
        let set = IndexRanges([9, 1, 2, 3, 7, 3, 10, 20])
        #expect(set.ranges == [1..<4, 7..<8, 9..<11, 20..<21])
        #expect(set.count == 7)
        #expect(set.contains(10) && !set.contains(8) && !set.contains(0))
        #expect(set.gaps(in: 0..<25) == [0..<1, 4..<7, 8..<9, 11..<20, 21..<25])
        #expect(set.gaps(in: 2..<3).isEmpty)
        #expect(set.gaps(in: 5..<10) == [5..<7, 8..<9])
        #expect(IndexRanges([]).gaps(in: 3..<5) == [3..<5])
    }
}

@Suite struct HeartbeatTests {
    /// The time limit is the hang it guards against (a bound in seconds failed under load).
    @Test(.timeLimit(.minutes(10))) func aSilentRankIsNamedAndTheRunEndsInsteadOfHanging() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let network = InMemoryNetwork(size: 2)  // rank 1 never starts: it never answers
        let configuration = RunConfiguration(
            name: "test", outputDirectory: directory, behaviour: RunBehaviour(heartbeatTimeoutSeconds: 0.5))
        let workload = CountingWorkload(taskCount: 50)
        let prepared = try PreparedRun.prepare(
            configuration: configuration, jobHash: "test", job: workload, taskCount: 50, keepValues: false)
        let summary = try #require(
            try await BatchRun.execute(
                workload: workload, transport: network.endpoints[0], slotsPerRank: [1, 1], host: "test",
                configuration: configuration, prepared: prepared))
        #expect(summary.unresponsiveRanks.map(\.rank) == [1])
        #expect(summary.stopReason?.contains("rank 1") == true)
        #expect(!summary.interrupted)
    }
}

@Suite struct DeadlineParserTests {
    private let now = ISO8601DateFormatter().date(from: "2026-11-23T10:00:00Z")!

    @Test func durationsTimesAndSlurmEndTimes() throws {
        #expect(DeadlineParser.seconds(from: "90s", now: now) == 90)
        #expect(DeadlineParser.seconds(from: "45m", now: now) == 2700)
        #expect(DeadlineParser.seconds(from: "2h", now: now) == 7200)
        #expect(DeadlineParser.seconds(from: "soon", now: now) == nil)
        #expect(DeadlineParser.seconds(from: "25:00", now: now) == nil)
        // HH:MM is the next such time to come, so always within a day.
        let clock = try #require(DeadlineParser.seconds(from: "09:30", now: now))
        #expect(clock > 0 && clock <= 86_400)
        // squeue -o %e prints local time without a zone.
        let local = DateFormatter()
        local.locale = Locale(identifier: "en_US_POSIX")
        local.timeZone = .current
        local.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        let end = local.string(from: now.addingTimeInterval(600))
        #expect(SlurmJob.secondsUntil(endTime: end, now: now) == 600)
        #expect(SlurmJob.secondsUntil(endTime: "Unknown", now: now) == nil)
    }
}

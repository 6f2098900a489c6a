import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJournal
@testable import MPIBatchReporting
@testable import MPIBatchScaling
@testable import MPIBatchScheduling

/// Each report file's type writes and reads itself back: every field, doubles to the bit.
@Suite struct ReportCodingTests {
    /// `value` written by `ReportCoding` and read back as a `T`.
    private func roundTrip<T: Codable>(_ value: T) throws -> T {
        let path = TestScratch.path("report-coding") + ".json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(try ReportCoding.encode(value)).write(to: URL(fileURLWithPath: path))
        return try ReportCoding.read(T.self, from: path, missing: "missing")
    }

    private static let monteCarlo = MonteCarloSummary(
        kernel: "gbm-european-call", seed: UInt64.max, total: {
            var total = MonteCarloAccumulator()
            for x in [4.1, 0.1 + 0.2, 7.000_000_000_000_001, 1e-300] { total.add(x) }
            return total
        }(), blocks: 3, blocksTotal: 4, reference: MonteCarloReference(name: "black_scholes", value: 4.759_422_392_871_532),
        targetMet: true, blocksMalformed: [2])

    private static let stageGraph = StageGraphSummary(
        criticalPathSeconds: 4.000_000_1, maxSpeedup: 2.0, graphWallSeconds: 1.0 / 3.0, meanConcurrency: 1.5,
        peakTasksInFlight: 3, peakStagesRunning: 2, criticalPath: ["a", "b"], stagesFailed: ["c"], stagesSkipped: ["d"],
        warnings: ["stage 'a' is slow"],
        stages: ["a": .init(
            status: "succeeded", level: 0, tasks: 2, tasksFailed: 0, seconds: 0.1, start: 0, end: 0.1, taskSeconds: 0.2,
            cpuSeconds: 0.15, cpuPerWall: 0.75, maxRSSBytes: 1 << 40)])

    private static func summary() -> RunSummary {
        var part = RunPart(startOffset: 0, startedAt: 1_796_175_893.601282)
        part.attempts = 7
        part.taskSeconds = 0.1 + 0.2
        part.wallSeconds = 1.0 / 3.0
        var summary = RunSummary(
            name: "round-trip", chunkPolicy: .guided, tasksTotal: 8, tasksSucceeded: 6, tasksFailed: 1, attempts: 7,
            wallSeconds: 1.0 / 3.0, taskSeconds: 0.1 + 0.2, slotsPerRank: [2, 1], stopReason: "stop_when: met", interrupted: true,
            unresponsiveRanks: [.init(rank: 1, host: "node-b")],
            ranks: [
                .init(rank: 0, host: "node-a", slots: 2, tasks: 4, busySeconds: 0.25, cpuSeconds: 0.125, maxTaskRSSBytes: 123),
                .init(rank: 1, host: "node-b", slots: 1, tasks: 3, busySeconds: 1e-9, cpuSeconds: 0),
            ],
            slots: [.init(rank: 0, slot: 1, tasks: 2, busySeconds: 0.1)],
            failures: [.init(index: 5, rank: 1, attempt: 2, status: .timeout, error: "timed out after 2.5 s \"quoted\"\n")],
            extraLines: ["a note"], parts: [part],
            findings: [Finding(kind: "straggler", message: "slow", numbers: [.init("index", 5), .init("seconds", 0.7)], recommendation: "split it")],
            journalFailure: nil, coreWeighted: true, monteCarlo: monteCarlo, stageGraph: stageGraph,
            stageMonteCarlo: ["price": monteCarlo])
        summary.impossibleMessages = 2
        return summary
    }

    @Test func aMonteCarloSummaryReadsBackExactly() throws {
        #expect(try roundTrip(Self.monteCarlo) == Self.monteCarlo)
        let json = String(decoding: try ReportCoding.encode(Self.monteCarlo), as: UTF8.self)
        #expect(json.contains(#""black_scholes":4.759422392871532"#) && json.contains(#""seed":"18446744073709551615""#))
    }

    @Test func aMonteCarloSummaryOfNoPathsWritesNullForItsRange() throws {
        let empty = MonteCarloSummary(
            kernel: "pi", seed: 1, total: MonteCarloAccumulator(), blocks: 0, blocksTotal: 4, reference: nil, targetMet: nil,
            blocksMalformed: [])
        let json = String(decoding: try ReportCoding.encode(empty), as: UTF8.self)
        #expect(json.contains(#""min":null"#) && json.contains(#""max":null"#) && !json.contains("target_met"))
        let back = try roundTrip(empty)
        #expect(back.minimum.isNaN && back.maximum.isNaN && back.paths == 0 && back.reference == nil)
    }

    @Test func aStageGraphSummaryReadsBackExactly() throws {
        #expect(try roundTrip(Self.stageGraph) == Self.stageGraph)
    }

    @Test func aRunSummaryReadsBackWithEveryFieldAndItsFigures() throws {
        let summary = Self.summary()
        let back = try roundTrip(summary)
        #expect(back.name == summary.name && back.chunkPolicy == .guided && back.tasksTotal == 8 && back.tasksSucceeded == 6)
        #expect(back.wallSeconds.bitPattern == summary.wallSeconds.bitPattern)
        #expect(back.taskSeconds.bitPattern == summary.taskSeconds.bitPattern)
        #expect(back.slotsPerRank == [2, 1] && back.stopReason == "stop_when: met" && back.interrupted && back.coreWeighted)
        #expect(back.unresponsiveRanks == summary.unresponsiveRanks)
        #expect(back.ranks.map(\.maxTaskRSSBytes) == [123, 0] && back.ranks[1].busySeconds == 1e-9)
        #expect(back.slots.first?.busySeconds == 0.1 && back.failures.first?.status == .timeout)
        #expect(back.failures.first?.error == summary.failures.first?.error)
        #expect(back.parts == summary.parts && back.findings == summary.findings && back.extraLines == ["a note"])
        #expect(back.monteCarlo == Self.monteCarlo && back.stageGraph == Self.stageGraph)
        #expect(back.stageMonteCarlo == ["price": Self.monteCarlo] && back.journalFailure == nil)
        #expect(back.impossibleMessages == 2)
        #expect(try back.json() == summary.json())
    }

    @Test func summaryJSONKeepsItsKeysAtTheTopLevel() throws {
        let fields = try JSONSerialization.jsonObject(with: Data(try Self.summary().json())) as? [String: Any] ?? [:]
        for key in [
            "tasks_total", "tasks_succeeded", "tasks_failed", "tasks_not_run", "ranks", "slots", "wall_seconds", "task_seconds",
            "speedup", "efficiency", "imbalance", "throughput_tasks_per_second", "paths", "estimate", "stderr", "ci95_low",
            "ci95_high", "critical_path_seconds", "max_speedup", "stages", "montecarlo", "per_node", "per_rank", "per_slot",
            "failures", "findings", "parts", "notes", "stop_reason", "journal_failure", "black_scholes", "impossible_messages",
        ] {
            #expect(fields[key] != nil, "\(key)")
        }
        let rank = (fields["per_rank"] as? [[String: Any]])?.first ?? [:]
        #expect(rank["utilisation"] as? Double == 0.25 / (1.0 / 3.0 * 2) && rank["cpu_per_busy"] as? Double == 0.5)
        let node = (fields["per_node"] as? [[String: Any]])?.first ?? [:]
        #expect(node["ranks"] as? Int == 1 && node["rank_numbers"] as? [Int] == [0])
        #expect((fields["failures"] as? [[String: Any]])?.first?["status"] as? String == "timeout")
    }

    @Test func anOlderSummaryWithoutLaterFieldsStillReads() throws {
        let directory = makeTimelineRun(lines: [], ranks: 2, slots: 3)
        let summary = try RunReport.load(directory: directory)
        #expect(summary.name == "tl-test" && summary.slotsPerRank == [3, 3] && summary.monteCarlo == nil)
    }

    @Test func aScalingStudyReadsBackExactly() throws {
        var study = try JSONDecoder().decode(
            ScalingStudy.self,
            from: Data(#"{"name":"s","serial_fraction":0.1,"points":[{"ranks":2,"slots":2,"wall_seconds":1.5,"speedup":1.8,"efficiency":0.9,"amdahl_speedup":1.8181818181818181,"directory":"d"}]}"#.utf8))
        study.serialFraction = 1.0 / 3.0
        let back = try roundTrip(study)
        #expect(back.name == "s" && back.serialFraction.bitPattern == study.serialFraction.bitPattern)
        #expect(back.points.map(\.amdahlSpeedup) == [1.8181818181818181] && back.points.map(\.directory) == ["d"])
    }
}

import Foundation
import Testing
@testable import MPIBatchReporting
@testable import MPIBatchScheduling

@Suite struct BatchRunTests {
    @Test(arguments: [1, 2, 3, 4], ChunkPolicy.allCases)
    func everyIndexRunsExactlyOnce(ranks: Int, policy: ChunkPolicy) async throws {
        let (summary, lines) = try await runInMemory(CountingWorkload(taskCount: 2000), ranks: ranks, policy: policy)
        let indices = lines.map { $0["index"] as! Int }.sorted()
        #expect(indices == Array(0..<2000))
        #expect(lines.allSatisfy { $0["status"] as? String == "ok" })
        #expect(summary.tasksSucceeded == 2000)
        #expect(summary.attempts == 2000)
        #expect(summary.ranks.map(\.tasks).reduce(0, +) == 2000)
        #expect(summary.slotsPerRank == Array(repeating: 2, count: ranks))
    }

    @Test func failuresAreReportedAndTheRunFinishes() async throws {
        let workload = CountingWorkload(taskCount: 300, failing: [5, 77, 299])
        let (summary, lines) = try await runInMemory(workload, ranks: 3)
        #expect(summary.tasksFailed == 3)
        #expect(summary.tasksSucceeded == 297)
        let failed = lines.filter { $0["status"] as? String == "failed" }
        #expect(Set(failed.map { $0["index"] as! Int }) == [5, 77, 299])
        #expect(failed.allSatisfy { ($0["error"] as? String)?.contains("injected failure") == true })
        #expect(Set(summary.failures.map(\.index)) == [5, 77, 299])
    }

    @Test func retriesRecoverTransientFailures() async throws {
        let workload = CountingWorkload(taskCount: 100, retries: 2, failing: [10, 20], failedAttempts: 2)
        let (summary, lines) = try await runInMemory(workload, ranks: 2)
        #expect(summary.tasksSucceeded == 100)
        #expect(summary.tasksFailed == 0)
        #expect(lines.count == 104)
        #expect(lines.filter { $0["index"] as? Int == 10 }.map { $0["attempt"] as! Int }.sorted() == [1, 2, 3])
    }

    @Test func failFastStopsEarly() async throws {
        let workload = CountingWorkload(taskCount: 5000, failing: [3], sleepMicroseconds: 200)
        let (summary, _) = try await runInMemory(workload, ranks: 2, slots: 1, policy: .dynamic, failFast: true)
        #expect(summary.tasksFailed == 1)
        #expect(summary.tasksSucceeded < 4000)
        #expect(summary.stopReason != nil)
    }

    @Test func paramsAndFieldsAreJournaled() async throws {
        let (_, lines) = try await runInMemory(CountingWorkload(taskCount: 3), ranks: 1)
        for line in lines {
            let index = line["index"] as! Int
            #expect((line["params"] as? [String: Int])?["i"] == index)
            #expect(line["value"] as? Double == Double(index))
            for key in ["seconds", "start", "started_at", "rank", "slot", "attempt", "cpu_seconds", "status"] { #expect(line.keys.contains(key)) }
            #expect(!line.keys.contains("error"), "an ok line has no error")
        }
    }
}

@Suite struct SummaryFieldTests {
    @Test func improvementOverSequentialIsOneMinusWallOverTaskTime() throws {
        let summary = RunSummary(
            name: "x", chunkPolicy: .auto, tasksTotal: 1, tasksSucceeded: 1, tasksFailed: 0, attempts: 1,
            wallSeconds: 2, taskSeconds: 8, slotsPerRank: [4], stopReason: nil, interrupted: false,
            unresponsiveRanks: [], ranks: [], slots: [], failures: [], extraLines: [])
        let fields = try JSONSerialization.jsonObject(with: Data(try summary.json())) as? [String: Any] ?? [:]
        #expect(fields["improvement_over_sequential"] as? Double == 0.75)
        #expect(fields["speedup"] as? Double == 4)
        #expect(fields["efficiency"] as? Double == 1)
    }
}

@Suite struct ProgressLineTests {
    @Test func barAndPlainLine() {
        let bar = ProgressReporter.line((finished: 1640, failed: 2, total: 4000), elapsed: 2, bar: true)
        #expect(bar == "[########            ] 41% 1640/4000 tasks, 2 failed, 820 tasks/s, ~3 s left")
        let plain = ProgressReporter.line((finished: 4000, failed: 0, total: 4000), elapsed: 4, bar: false)
        #expect(plain == "100% 4000/4000 tasks, 1000 tasks/s")
    }
}

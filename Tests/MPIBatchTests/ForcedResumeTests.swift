import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchJournal
@testable import MPIBatchRuntime
@testable import MPIBatchWorkloads

/// `--resume --force` of a changed job: a journaled task counts only where its recorded
/// parameters are the changed job's at the same index; the rest runs again.
@Suite struct ForcedResumeTests {
    /// The workload of a `kernel: noop` sweep over `n` with 3 replicates.
    private func sweep(_ values: [Int]) throws -> SweepWorkload {
        let list = values.map(String.init).joined(separator: ", ")
        return try SweepWorkload(job: JobLoader.load(
            path: writeJobFile("name: s\nsweep:\n  grid: {n: [\(list)]}\n  repeat: 3\ntask: {kernel: noop}\n"),
            kernels: KernelCatalog.builtIn))
    }

    /// Each index's final journal line (what `mpibatch results` shows), parsed.
    private func finalLines(in directory: String) throws -> [Int: [String: Any]] {
        var lines: [Int: [String: Any]] = [:]
        try FinalLines.forEach(FinalAttempts(journal: JournalShards(directory: directory))) { (place, line) throws(RunFileError) in
            lines[place.index] = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
        }
        return lines
    }

    @Test func aSweepWithAValueInsertedRerunsEveryIndexWhoseParametersMoved() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try await runInMemory(try sweep([32, 64, 128]), ranks: 1, directory: directory, jobHash: "first")
        let (summary, lines) = try await runInMemory(
            try sweep([16, 32, 64, 128]), ranks: 1, directory: directory, resume: true, jobHash: "second", force: true)
        #expect(summary.tasksSucceeded == 12)
        #expect(summary.tasksRerunChanged == 9)  // indices 0-8 held n = 32, 64, 128; now 16, 32, 64
        #expect(lines.count == 9 + 12)  // the old lines stay, as history
        let final = try finalLines(in: directory)
        let expected = [16, 32, 64, 128].flatMap { Array(repeating: $0, count: 3) }
        #expect((0..<12).map { (final[$0]?["params"] as? [String: Any])?["n"] as? Int } == expected)
        #expect((0..<12).map { (final[$0]?["params"] as? [String: Any])?["replicate"] as? Int } == (0..<12).map { $0 % 3 })
    }

    @Test func aSweepWithAValueAppendedKeepsEveryJournaledTask() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try await runInMemory(try sweep([32, 64]), ranks: 1, directory: directory, jobHash: "first")
        let (summary, _) = try await runInMemory(
            try sweep([32, 64, 128]), ranks: 1, directory: directory, resume: true, jobHash: "second", force: true)
        #expect(summary.tasksSucceeded == 9)
        #expect(summary.tasksRerunChanged == 0)
        #expect(summary.parts.last?.attempts == 3)  // n = 128 alone
    }

    @Test func aJobChangedAndChangedBackRerunsWhatTheJournalLastHeld() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try await runInMemory(try sweep([1, 2]), ranks: 1, directory: directory, jobHash: "first")
        _ = try await runInMemory(try sweep([3, 4]), ranks: 1, directory: directory, resume: true, jobHash: "second", force: true)
        // Back to the first job: its lines are older than the second job's, which results show.
        let (summary, lines) = try await runInMemory(
            try sweep([1, 2]), ranks: 1, directory: directory, resume: true, jobHash: "first", force: true)
        #expect(summary.tasksRerunChanged == 6)
        #expect(lines.count == 18)
        let final = try finalLines(in: directory)
        #expect((0..<6).map { (final[$0]?["params"] as? [String: Any])?["n"] as? Int } == [1, 1, 1, 2, 2, 2])
    }

    @Test func aStageInsertedFirstDoesNotAdoptTheOldFirstStagesResult() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func workload(_ stages: [(name: String, after: [String], extra: String)]) throws -> StageGraphWorkload {
            let (job, graph) = try loadStageGraph(stagesYAML(stages))
            return try StageGraphWorkload(graph: graph, jobSeed: job.seed, kernels: KernelCatalog.builtIn, outputDirectory: directory)
        }
        _ = try await runInMemory(
            try workload([("a", [], ""), ("b", ["a"], "")]), ranks: 1, directory: directory, jobHash: "first")
        let (summary, lines) = try await runInMemory(
            try workload([("setup", [], ""), ("a", ["setup"], ""), ("b", ["a"], "")]), ranks: 1, directory: directory,
            resume: true, jobHash: "second", force: true)
        #expect(summary.tasksSucceeded == 3)
        #expect(summary.tasksRerunChanged == 2)  // index 0 was a, now setup; index 1 was b, now a
        let rerun = lines.dropFirst(2).map { ($0["params"] as? [String: Any])?["stage"] as? String }
        #expect(rerun == ["setup", "a", "b"])
        let final = try finalLines(in: directory)
        #expect((0..<3).map { (final[$0]?["params"] as? [String: Any])?["stage"] as? String } == ["setup", "a", "b"])
    }

    private func monteCarlo(paths: Int, block: Int) throws -> MonteCarloWorkload {
        try MonteCarloWorkload(spec: MonteCarloSpec(kernel: "pi", params: [:], paths: paths, seed: 7, block: block))
    }

    @Test func aMonteCarloJobWithAnotherBlockSizeIsRefused() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try await runInMemory(try monteCarlo(paths: 4000, block: 1000), ranks: 1, directory: directory, jobHash: "first")
        let smaller = try monteCarlo(paths: 4000, block: 500)
        let configuration = RunConfiguration(
            name: "test", outputDirectory: directory, behaviour: RunBehaviour(resume: true, force: true))
        let error = try #require(throws: RunFileError.self) {
            try PreparedRun.prepare(
                configuration: configuration, jobHash: "second", job: smaller, taskCount: smaller.taskCount, keepValues: true)
        }
        // Blocks are journaled in the order they finish: the first line whose block is not
        // block 0 (the only one whose start stays) is named, with its block and first path.
        #expect(error.line == 1 || error.line == 2)
        #expect((1...3).contains { error.reason.contains("block \($0) of the journal starts at path \($0 * 1000) (blocks of 1000 paths)") })
        #expect(error.reason.contains("block: is 500"))
    }

    @Test func aMonteCarloJobWithFewerPathsRerunsItsLastBlockAndGivesTheFreshEstimate() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try await runInMemory(try monteCarlo(paths: 4000, block: 1000), ranks: 1, directory: directory, jobHash: "first")
        let (resumed, _) = try await runInMemory(
            try monteCarlo(paths: 3500, block: 1000), ranks: 1, directory: directory, resume: true, jobHash: "second",
            force: true)
        let (fresh, _) = try await runInMemory(try monteCarlo(paths: 3500, block: 1000), ranks: 1)
        #expect(resumed.tasksRerunChanged == 1)  // block 3: paths 3000..<4000 then, 3000..<3500 now
        #expect(resumed.monteCarlo?.paths == 3500)
        #expect(resumed.monteCarlo?.estimate == fresh.monteCarlo?.estimate)
    }
}

import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchPlan
@testable import MPIBatchRuntime
@testable import MPIBatchWorkloads

@Suite struct PlanTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let examples = ["command-sweep.yaml", "kernel-sweep.yaml", "table-sweep.yaml", "tasks.txt", "timeout-sweep.yaml", "true-tasks.yaml"]

    @Test(arguments: examples) func everyExampleValidates(_ name: String) {
        let outcome = JobValidation.validate(path: Self.root + "/jobs/" + name, kernels: KernelCatalog.builtIn)
        #expect(outcome.problems == [])
        #expect(outcome.output.first?.hasPrefix("ok: ") == true)
    }

    @Test func examplesProduceTheirValues() async throws {
        let out = makeJobTestDirectory()
        let context = commandContext(3, out)
        func last(_ name: String) async throws -> TaskValue {
            let workload = try SweepWorkload(job: JobLoader.load(path: Self.root + "/jobs/" + name, kernels: KernelCatalog.builtIn))
            let task = TaskContext(
                index: workload.taskCount - 1, attempt: 1, rank: 0, slot: 0, outputDirectory: out, report: context.report)
            return try await workload.run(task)
        }
        #expect(try await last("table-sweep.yaml") == .json(#"{"label": "large, skewed", "mean": 10}"#))
        guard case .json(let text) = try await last("command-sweep.yaml") else { Issue.record("no JSON"); return }
        #expect(text.hasPrefix(#"{"n": 50, "p": 0.9, "mean": 45.0"#))
        #expect(try await last("tasks.txt") == .none)
        #expect(try capturedOutput(context).stdout == "45\n")
    }

    @Test func planShowsParametersExpansionsAndSize() {
        let outcome = JobValidation.plan(path: Self.root + "/jobs/command-sweep.yaml", kernels: KernelCatalog.builtIn)
        #expect(outcome.exitStatus == 0)
        #expect(outcome.output.contains("tasks: 15"))
        #expect(outcome.output.contains("  n (integer): range 10..<60 step 10 (5 values)"))
        #expect(outcome.output.contains("  p (real): linspace 0.1 … 0.9 (3 values)"))
        #expect(outcome.output.contains { $0.hasPrefix("first task (index 0): python3 -c 'import json") && $0.hasSuffix(" 10 0.1 \(TaskSeed.seed(job: 42, index: 0))") })
        #expect(outcome.output.contains { $0.hasPrefix("estimated results.jsonl: ") })
    }

    @Test func validateReportsEveryProblemWithExitStatus2() {
        let path = writeJobFile("sweep: {grid: {a: []}}\ntask: {kernel: spinn}\nnmae: x\n")
        let outcome = JobValidation.validate(path: path, kernels: KernelCatalog.builtIn)
        #expect(outcome.exitStatus == 2)
        #expect(outcome.problems == [
            "\(path):1:19: 'a' has no values",
            "\(path):3:1: unknown key 'nmae' (did you mean 'name'?)",
        ])
    }
}

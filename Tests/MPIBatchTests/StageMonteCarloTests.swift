import Foundation
import Testing
@testable import MPIBatchPlan
@testable import MPIBatchScheduling
@testable import MPIBatchWorkloads

/// `montecarlo:` as the body of a stage: parsing, the estimate as the stage's value, reproducibility.
@Suite struct StageMonteCarloTests {
    /// prepare → price (20 blocks of a European call) → report, which echoes the price.
    private static let pipeline = """
        name: pricing
        seed: 11
        stages:
          - name: prepare
            shell: "echo ready"
            result: stdout-last-line
          - name: price
            after: prepare
            montecarlo:
              kernel: gbm-european-call
              params: {s0: 42, k: 40, r: 0.10, sigma: 0.20, t: 0.5}
              paths: 4000
              block: 200
          - name: report
            after: price
            shell: "echo {stages.price.value}"
            result: stdout-last-line
        """

    private static func stage(_ line: [String: Any]) -> String {
        (line["params"] as? [String: Any])?["stage"] as? String ?? ""
    }

    /// The estimate of `workload`'s blocks merged in block order, computed here without the runtime.
    private static func expectedEstimate(_ workload: MonteCarloWorkload) throws -> Double {
        var total = MonteCarloAccumulator()
        for block in 0..<workload.taskCount { total.merge(try workload.simulate(block: block)) }
        return MonteCarloEstimate(total).mean
    }

    @Test func aMonteCarloStageParsesIntoBlocksWithTheJobSeed() throws {
        let (_, graph) = try loadStageGraph(Self.pipeline)
        guard case .monteCarlo(let blocks) = graph.stages[1].body else {
            Issue.record("price is not a Monte Carlo stage")
            return
        }
        #expect(blocks.seed == 11)
        #expect(blocks.kernel == "gbm-european-call")
        #expect(graph.stages[1].taskCount == 20)
        #expect(graph.stages[1].fansOut)
        #expect(graph.taskCount == 22)
    }

    @Test func badMonteCarloStagesAreReportedAtTheirPlace() {
        let head = "stages:\n  - name: mc\n"
        #expect(jobProblems(head + "    montecarlo: {kernel: pii, paths: 10}\n").first?.hasPrefix("3:26: montecarlo.kernel:") == true)
        #expect(jobProblems(head + "    montecarlo: {kernel: pi}\n").first == "3:17: montecarlo needs paths:")
        let target = jobProblems(head + "    montecarlo: {kernel: pi, paths: 10000, target: {stderr: 0.01}}\n")
        #expect(target.first?.hasPrefix("3:44: montecarlo target: is not supported inside a stage") == true, "\(target)")
        let both = jobProblems(head + "    kernel: noop\n    montecarlo: {kernel: pi, paths: 10}\n")
        #expect(both == ["3:5: stage 'mc' has montecarlo: and kernel: — a stage has one body"])
    }

    @Test func thePlanShowsTheBlockCount() throws {
        let (job, _) = try loadStageGraph(Self.pipeline)
        let plan = JobPlan(job: job).lines.joined(separator: "\n")
        #expect(plan.contains("price: 20 blocks of 200 paths (4,000 paths, kernel gbm-european-call), after prepare"), "\(plan)")
    }

    @Test func theEstimateIsTheStageValueAndTheSameForAnyNumberOfRanks() async throws {
        let (job, graph) = try loadStageGraph(Self.pipeline)
        guard case .monteCarlo(let blocks) = graph.stages[1].body else { throw SweepWorkloadError.notASweep(job: "price") }
        let expected = try Self.expectedEstimate(MonteCarloWorkload(spec: blocks))
        for ranks in 1...3 {
            let directory = makeJobTestDirectory()
            let workload = try StageGraphWorkload(graph: graph, jobSeed: job.seed, kernels: KernelCatalog.builtIn, outputDirectory: directory)
            let (summary, lines) = try await runInMemory(workload, ranks: ranks, slots: 2)
            #expect(summary.tasksSucceeded == 22)
            let value = try String(contentsOfFile: directory + "/stages/price/value.json", encoding: .utf8)
            #expect(Double(value.trimmingCharacters(in: .whitespacesAndNewlines)) == expected, "\(ranks) ranks")
            let report = lines.first { Self.stage($0) == "report" }?["value"] as? String
            #expect(report.flatMap(Double.init) == expected, "\(ranks) ranks: \(report ?? "no report")")
            let fields = stageSummaryFields(summary)
            let price = (fields["montecarlo"] as? [String: Any])?["price"] as? [String: Any]
            #expect(price?["estimate"] as? Double == expected)
            #expect(price?["blocks"] as? Int == 20)
            #expect(summary.extraLines.contains { $0.hasPrefix("price: gbm-european-call: estimate ") })
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
}

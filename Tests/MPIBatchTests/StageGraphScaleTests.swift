import Foundation
import Testing
@testable import MPIBatchJob
@testable import MPIBatchPlan
@testable import MPIBatchScheduling
@testable import MPIBatchWorkloads

/// Stage graphs of a hundred thousand stages: checked in linear time and without recursion.
@Suite(.serialized) struct StageGraphScaleTests {
    /// A JSON job of `count` inline stages `PREFIX0`, `PREFIX1`, …, each after the one before
    /// it (the first after the last one when `closed`), the last one running `last` (a shell body).
    private func chain(
        _ count: Int, prefix: String = "s", closed: Bool = false, last: String = "echo {stages.s0.value}"
    ) -> String {
        var stages: [String] = []
        stages.reserveCapacity(count)
        for number in 0..<count {
            let previous = number > 0 ? number - 1 : closed ? count - 1 : nil
            let after = previous.map { ",\"after\":\"\(prefix)\($0)\"" } ?? ""
            let body = number == count - 1 ? "\"shell\":\"\(last)\",\"result\":\"stdout-last-line\"" : "\"kernel\":\"noop\""
            stages.append("{\"name\":\"\(prefix)\(number)\"\(after),\(body)}")
        }
        return "{\"name\":\"chain\",\"stages\":[\n" + stages.joined(separator: ",\n") + "]}\n"
    }

    @Test(.timeLimit(.minutes(3))) func aChainOfAHundredThousandStagesLoads() throws {
        let (_, graph) = try loadStageGraph(chain(100_000))
        #expect(graph.stages.count == 100_000)
        #expect(graph.topology.level.last == 99_999)
        #expect(graph.plannedFigures.criticalPath == 100_000)
        #expect(UpstreamStages(of: 99_999, in: graph.topology).contains("s0"))
        #expect(!UpstreamStages(of: 5, in: graph.topology).contains("s6"))
    }

    @Test(.timeLimit(.minutes(3))) func aCycleThroughEightyThousandStagesIsNamedNotACrash() {
        let problems = jobProblems(chain(80_000, closed: true))
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("3:9: dependency cycle through 80000 stages: s1 -> s2 -> ") == true, "\(problems)")
        #expect(problems.first?.hasSuffix(" -> s79999 -> s0 -> s1") == true)
        #expect((problems.first?.count ?? .max) < 300)
    }

    @Test func planShowsTheEndsOfALongCriticalPath() {
        let outcome = JobValidation.plan(path: writeJobFile(chain(1_000)), kernels: KernelCatalog.builtIn)
        #expect(outcome.exitStatus == 0)
        #expect(outcome.output.contains(
            "critical path: s0 -> s1 -> s2 -> s3 -> s4 -> s5 -> … -> s994 -> s995 -> s996 -> s997 -> s998 -> s999 (1000 stages) = 1000.000 units"))
    }

    @Test func aShortCycleIsNamedInFull() {
        let problems = jobProblems(chain(12, closed: true))
        #expect(problems.first?.hasSuffix("dependency cycle: s1 -> s2 -> s3 -> s4 -> s5 -> s6 -> s7 -> s8 -> s9 -> s10 -> s11 -> s0 -> s1") == true, "\(problems)")
    }

    /// A graph of `count` one-task noop stages, stage i after the stages `after(i)`.
    private func graph(_ count: Int, after: (Int) -> [Int]) throws -> StageGraph {
        let (_, one) = try loadStageGraph(chain(2))
        let names = (0..<count).map { "s\($0)" }
        let stages = names.map { name in
            var stage = one.stages[0]
            stage.name = name
            return stage
        }
        let topology = try StageTopology(names: names, after: names.indices.map { after($0).map { names[$0] } })
        return StageGraph(stages: stages, topology: topology)
    }

    @Test(.timeLimit(.minutes(3))) func theSchedulerRunsAHundredThousandIndependentStagesInOrder() throws {
        var source = StageGraphSource(graph: try graph(100_000) { _ in [] }, totalSlots: 4)
        var order: [Int] = []
        while let range = source.next(forSlotOrdinal: 0) {
            order += Array(range)
            for index in range { source.finishedAndStored(stageRecord(index)) }
        }
        #expect(order == Array(0..<100_000))
        #expect(source.isExhausted)
    }

    @Test(.timeLimit(.minutes(1))) func theSchedulerRunsAHundredThousandStageChainInLinearTime() throws {
        let graph = try graph(100_000) { $0 > 0 ? [$0 - 1] : [] }
        var source = StageGraphSource(graph: graph, totalSlots: 4)
        var order: [Int] = []
        while let range = source.next(forSlotOrdinal: 0) {
            order += Array(range)
            for index in range { source.finishedAndStored(stageRecord(index)) }
        }
        #expect(order == Array(0..<100_000))
        #expect(source.isExhausted)
        #expect(source.measuredCriticalPath.stages.count == 100_000)
    }

    /// The environment of a stage after a long chain holds its direct dependency's directory
    /// and `MPIBATCH_STAGES_DIR`, not one variable per ancestor: with one per ancestor, this
    /// stage's command could not start ("Argument list too long").
    @Test(.timeLimit(.minutes(3))) func aStageAfterTwelveThousandStagesGetsItsDirectDependencyOnly() async throws {
        let count = 12_000
        let prefix = String(repeating: "a-long-stage-name-", count: 3) + "x"
        let variable = StageGraphWorkload.directoryVariable(prefix + "0")
        let last = "echo ${{\(variable)-none}} $(env | grep -c '^MPIBATCH_STAGE_.*_DIR=') "
            + "$(ls -d $MPIBATCH_STAGES_DIR/\(prefix)0 | wc -l) $(basename $MPIBATCH_STAGE_\(prefix.uppercased().replacing("-", with: "_"))\(count - 2)_DIR)"
        let (job, graph) = try loadStageGraph(chain(count, prefix: prefix, last: last))
        let directory = makeJobTestDirectory()
        let workload = try StageGraphWorkload(graph: graph, jobSeed: job.seed, kernels: KernelCatalog.builtIn, outputDirectory: directory)
        let (summary, lines) = try await runInMemory(workload, ranks: 1, slots: 2, directory: directory)
        #expect(summary.tasksSucceeded == count)
        let final = lines.first { $0["index"] as? Int == count - 1 }
        #expect(final?["value"] as? String == "none 1 1 \(prefix)\(count - 2)", "\(final ?? [:])")
    }
}

import Foundation
import Testing
@testable import MPIBatchReporting
@testable import MPIBatchWorkloads

/// Whole stage graphs run over the in-memory transport.
@Suite struct StageRunTests {
    private func run(_ yaml: String, ranks: Int = 2, slots: Int = 2) async throws -> (RunSummary, [[String: Any]], String) {
        let (job, graph) = try loadStageGraph(yaml)
        let directory = makeJobTestDirectory()
        let workload = try StageGraphWorkload(graph: graph, jobSeed: job.seed, kernels: KernelCatalog.builtIn, outputDirectory: directory)
        let (summary, lines) = try await runInMemory(workload, ranks: ranks, slots: slots)
        return (summary, lines, directory)
    }

    private func stage(_ line: [String: Any]) -> String { (line["params"] as? [String: Any])?["stage"] as? String ?? "" }

    @Test func aDiamondPassesValuesAndDirectoriesDownstream() async throws {
        let (summary, lines, directory) = try await run("""
            stages:
              - name: extract
                shell: "echo 21 > data.txt; echo 21"
                result: stdout-last-line
              - name: double
                after: extract
                shell: "echo $(( $(cat $MPIBATCH_STAGE_EXTRACT_DIR/data.txt) * 2 ))"
                result: stdout-last-line
              - name: spin
                after: extract
                kernel: spin
                args: {ms: 20}
              - name: join
                after: [double, spin]
                shell: "echo {stages.double.value}+{stages.extract.value}"
                result: stdout-last-line
            """)
        #expect(summary.tasksSucceeded == 4)
        let join = lines.first { stage($0) == "join" }
        #expect(join?["value"] as? String == "42+21")
        #expect(FileManager.default.fileExists(atPath: directory + "/stages/extract/data.txt"))
        let fields = stageSummaryFields(summary)
        #expect((fields["stages"] as? [String: Any])?.count == 4)
        #expect(fields["critical_path"] as? [String] != nil)
    }

    @Test func aFanOutStageRunsEveryTaskAndLeavesAnArrayOfValues() async throws {
        let (summary, lines, directory) = try await run("""
            stages:
              - name: fan
                sweep: {grid: {x: {range: [0, 30, 1]}}}
                task: {kernel: fail, args: {when: "-1", ms: 1}}
              - name: after
                after: fan
                kernel: noop
            """, ranks: 3)
        #expect(summary.tasksSucceeded == 31)
        #expect(Set(lines.compactMap { $0["index"] as? Int }) == Set(0..<31))
        let value = try String(contentsOfFile: directory + "/stages/fan/value.json", encoding: .utf8)
        #expect(value.hasPrefix("[0.0,1.0,2.0"))
    }

    @Test func aFailedStageSkipsDependentsAndTheIndependentBranchFinishes() async throws {
        let (summary, lines, _) = try await run("""
            stages:
              - name: bad
                kernel: fail
                args: {when: 0}
              - name: downstream
                after: bad
                kernel: noop
              - name: further
                after: downstream
                kernel: noop
              - name: branch
                kernel: sleep
                args: {ms: 20}
            """)
        #expect(summary.tasksTotal == 4)
        #expect(summary.tasksSucceeded == 1)
        #expect(summary.tasksFailed == 1)
        #expect(Set(lines.map(stage)) == ["bad", "branch"])
        let fields = stageSummaryFields(summary)
        #expect(fields["stages_failed"] as? [String] == ["bad"])
        #expect(fields["stages_skipped"] as? [String] == ["downstream", "further"])
    }

    @Test func nothingOverlapsAnExclusiveStage() async throws {
        let (summary, lines, _) = try await run("""
            stages:
              - name: a
                kernel: sleep
                args: {ms: 30}
              - name: b
                kernel: sleep
                args: {ms: 30}
              - name: acc
                exclusive: true
                kernel: sleep
                args: {ms: 40}
              - name: c
                kernel: sleep
                args: {ms: 30}
              - name: d
                after: acc
                kernel: sleep
                args: {ms: 30}
            """)
        #expect(summary.tasksSucceeded == 5)
        let fields = stageSummaryFields(summary)
        let stages = try #require(fields["stages"] as? [String: [String: Any]])
        let acc = (stages["acc"]!["start"] as! Double, stages["acc"]!["end"] as! Double)
        for (name, figures) in stages where name != "acc" {
            let start = figures["start"] as! Double, end = figures["end"] as! Double
            #expect(end <= acc.0 || start >= acc.1, "\(name) [\(start), \(end)] overlaps acc [\(acc.0), \(acc.1)]")
        }
        #expect(lines.count == 5)
    }
}

import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchPlan
@testable import MPIBatchScheduling
@testable import MPIBatchWorkloads

/// Stages that fan out from results: a table read when the stage becomes ready.
@Suite struct RunTimeTableTests {
    private func load(_ sweep: String, after: String = "prep") throws -> StageGraph {
        try loadStageGraph("""
            stages:
              - name: prep
                kernel: noop
              - name: fan
                after: \(after)
                sweep: \(sweep)
                task: {shell: "echo {x} {label}"}
            """).1
    }

    @Test func theTableIsCheckedAtLoadTimeAsFarAsItCanBe() throws {
        let graph = try load(#"{table: "{stages.prep.dir}/cases.csv", types: {x: real, label: text}, max_tasks: 50}"#)
        #expect(graph.stages[1].sizeKnownAtRunTime)
        #expect(graph.stages[1].taskCount == 50)
        #expect(graph.offsets == [0, 1, 51])
        for (sweep, message) in [
            (#"{table: "{stages.prep.dir}/cases.csv"}"#, "needs types: naming its columns"),
            (#"{table: "{stages.other.dir}/cases.csv", types: {x: real}}"#, "stage 'other', which is not upstream"),
            (#"{table: "x{stages.prep.value}", types: {x: real}}"#, "must be the whole text"),
            (#"{table: "{stages.prep.dir}/c.csv", types: {x: real}, max_tasks: 0}"#, "max_tasks must be from 1"),
            (#"{table: "{stages.prep.dir}/c.csv", types: {y: real}}"#, "unknown name '{x}'"),
        ] {
            do {
                _ = try load(sweep)
                Issue.record("\(sweep) was accepted")
            } catch {
                #expect("\(error)".contains(message), "\(error)")
            }
        }
    }

    @Test func aCSVFileIsFrozenAndExpandedInTheDeclaredOrder() throws {
        let out = makeJobTestDirectory()
        let values = StageValues(directory: out + "/stages")
        try OutputFile.makeDirectory(values.stageDirectory("prep"))
        try "label,x,extra\na,0.5,1\nb,0.75,2\n".write(toFile: values.stageDirectory("prep") + "/cases.csv", atomically: true, encoding: .utf8)
        let table = RunTimeTable(
            source: "{stages.prep.dir}/cases.csv", columns: [("x", .real), ("label", .text)], maxTasks: 10, jobDirectory: out)
        #expect(try table.freeze(into: values.stageDirectory("fan"), directoryOf: values.stageDirectory) == 2)
        let space = try table.expand(in: values.stageDirectory("fan"))
        #expect(space.parameters(of: 1).map(\.name) == ["x", "label"])
        #expect(space.parameters(of: 1).map(\.value.description) == ["0.75", "b"])
        // The copy is frozen: a changed source does not change a resumed stage's size.
        try "label,x\na,1\n".write(toFile: values.stageDirectory("prep") + "/cases.csv", atomically: true, encoding: .utf8)
        #expect(try table.freeze(into: values.stageDirectory("fan"), directoryOf: values.stageDirectory) == 2)
    }

    @Test func aJSONListInAStageValueIsATable() throws {
        let out = makeJobTestDirectory()
        let values = StageValues(directory: out + "/stages")
        try values.store(Array(#"[{"x": 1.5, "n": 3}, {"x": 2, "n": 4}]"#.utf8), of: "pick")
        let table = RunTimeTable(source: "{stages.pick.value}", columns: [("n", .integer), ("x", .real)], maxTasks: 1, jobDirectory: out)
        #expect(throws: RunTimeTableError.self) { try table.freeze(into: values.stageDirectory("fan"), directoryOf: values.stageDirectory) }
        let roomy = RunTimeTable(source: "{stages.pick.value}", columns: [("n", .integer), ("x", .real)], maxTasks: 5, jobDirectory: out)
        #expect(try roomy.freeze(into: values.stageDirectory("fan"), directoryOf: values.stageDirectory) == 2)
        #expect(try roomy.expand(in: values.stageDirectory("fan")).parameters(of: 0).map(\.value.description) == ["3", "1.5"])
    }

    @Test func theSourceExpandsTheStageBeforeHandingItOut() throws {
        let graph = try load(#"{table: "{stages.prep.dir}/cases.csv", types: {x: real, label: text}, max_tasks: 50}"#)
        var source = StageGraphSource(graph: graph, totalSlots: 2)
        #expect(source.next(forSlotOrdinal: 0) == 0..<1)
        source.finishedAndStored(stageRecord(0))
        #expect(source.takeEffects() == [.expandStage(stage: 1)])
        #expect(source.next(forSlotOrdinal: 0) == nil)
        #expect(!source.isExhausted)
        source.stageExpanded(stage: 1, outcome: .success(3))
        #expect(source.next(forSlotOrdinal: 0) == 1..<2)
        #expect(source.next(forSlotOrdinal: 1) == 2..<3)
        #expect(source.reservedButUnused == 47)
    }

    @Test func aTableThatCannotBeReadFailsTheStage() throws {
        let graph = try load(#"{table: "{stages.prep.dir}/cases.csv", types: {x: real, label: text}}"#)
        var source = StageGraphSource(graph: graph, totalSlots: 2)
        _ = source.next(forSlotOrdinal: 0)
        source.finishedAndStored(stageRecord(0))
        _ = source.takeEffects()
        source.stageExpanded(stage: 1, outcome: .failure(RunTimeTableError("cannot read x")))
        #expect(source.progress.map(\.status) == [.succeeded, .failed])
        #expect(source.isExhausted)
        #expect(source.warnings.last?.contains("cannot read x") == true)
        // Its reservation is not tasks that were not run: none of them was ever made.
        #expect(source.reservedButUnused == graph.stages[1].taskCount)
    }
}

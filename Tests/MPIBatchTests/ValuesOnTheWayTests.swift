import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchPlan
@testable import MPIBatchWorkloads

/// Values reach the tasks and the journal as the job or the table wrote them, or are refused
/// where they are written.
@Suite struct ValuesOnTheWayTests {
    /// Freezes `value` (a stage's JSON value) as the table of a stage with `columns`; returns its space.
    static func expandValue(
        _ value: String, columns: [(String, CSVColumnType)], maxTasks: Int = 10
    ) throws -> IndexSpace {
        let out = makeJobTestDirectory()
        defer { try? FileManager.default.removeItem(atPath: out) }
        let values = StageValues(directory: out + "/stages")
        try values.store(Array(value.utf8), of: "pick")
        let table = RunTimeTable(source: "{stages.pick.value}", columns: columns, maxTasks: maxTasks, jobDirectory: out)
        _ = try table.freeze(into: values.stageDirectory("fan"), directoryOf: values.stageDirectory)
        return try table.expand(in: values.stageDirectory("fan"))
    }

    @Test func aValueTableKeepsJSONsTypesAndText() throws {
        let space = try Self.expandValue(
            #"[{"flag": true, "cfg": {"a": [1, 2], "b": "x\"y"}, "x": 2.50, "s": "caf\u00e9", "none": null},"#
                + #" {"flag": false, "cfg": [], "x": 1e3, "s": "", "none": 0}]"#,
            columns: [("flag", .text), ("cfg", .text), ("x", .text), ("s", .text), ("none", .text)])
        #expect(space.parameters(of: 0).map(\.value) == [
            .string("true"), .string(#"{"a": [1, 2], "b": "x\"y"}"#), .string("2.50"), .string("café"), .string("null"),
        ])
        #expect(space.parameters(of: 1).map(\.value) == [.string("false"), .string("[]"), .string("1e3"), .string(""), .string("0")])
        var json = JSONWriter()
        space.writeParameters(of: 0, to: &json)
        let params = try #require(try JSONSerialization.jsonObject(with: Data(json.bytes)) as? [String: String])
        #expect(params["flag"] == "true")
        #expect(params["cfg"] == #"{"a": [1, 2], "b": "x\"y"}"#)
    }

    @Test func aValueTableRefusesABooleanAsANumberAndMalformedJSON() {
        #expect(throws: RunTimeTableError.self) { try Self.expandValue(#"[{"n": true}]"#, columns: [("n", .integer)]) }
        for bad in [#"[{"n": 1}"#, #"[{"n": tru}]"#, #"[{"n": 1}] x"#, #"[{"n": [1}]"#, #"{"n": 1}"#] {
            #expect(throws: RunTimeTableError.self, "\(bad)") { try Self.expandValue(bad, columns: [("n", .text)]) }
        }
    }

    @Test(arguments: [
        ("{linspace: [1e308, -1e308, 3]}", "3:24: linspace of 'x' overflows"),
        ("{linspace: [0, 1.5e308, 5]}", "3:24: linspace of 'x' overflows"),
        ("{logspace: [-400, 4, 3]}", "3:25: logspace of 'x': 10^-400.0 is below a double's range"),
        ("{logspace: [-4, 400, 3]}", "3:29: logspace of 'x': 10^400.0 is beyond a double's range"),
    ])
    func aGridWhosePointsOverflowIsRefusedWhereItIsWritten(grid: String, message: String) {
        let problems = jobProblems("name: s\nsweep:\n  grid: {x: \(grid)}\ntask: {kernel: noop}\n")
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix(message) == true, "\(problems)")
    }

    @Test func aGridWithinRangeStaysFinite() throws {
        let (_, sweep) = try loadSweep("name: s\nsweep:\n  grid: {x: {linspace: [-1e307, 1e307, 5]}, y: {logspace: [-300, 300, 3]}}\ntask: {kernel: noop}\n")
        for index in 0..<sweep.space.taskCount {
            #expect(sweep.space.parameters(of: index).allSatisfy { $0.value.doubleValue?.isFinite == true })
        }
    }

    @Test func aParameterCalledStageIsReservedInAStageOnly() throws {
        let grid = jobProblems("name: g\nstages:\n  - name: a\n    sweep: {grid: {stage: [1, 2]}}\n    task: {kernel: noop}\n")
        #expect(grid == ["4:20: " + SweepParser.stageKeyReserved])
        let directory = makeJobTestDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        writeJobFile("stage,x\n1,2\n", named: "cases.csv", in: directory)
        writeJobFile("name: g\nstages:\n  - name: a\n    sweep: {table: cases.csv}\n    task: {kernel: noop}\n", in: directory)
        do {
            _ = try JobLoader.load(path: directory + "/job.yaml", kernels: KernelCatalog.builtIn)
            Issue.record("a table column called stage was accepted in a stage")
        } catch {
            #expect("\(error)".contains(SweepParser.stageKeyReserved))
        }
        let runTime = jobProblems(
            "name: g\nstages:\n  - name: p\n    kernel: noop\n  - name: a\n    after: [p]\n"
                + "    sweep: {table: \"{stages.p.value}\", types: {stage: text}}\n    task: {kernel: noop}\n")
        #expect(runTime == ["7:48: " + SweepParser.stageKeyReserved])
        #expect(jobProblems("name: s\nsweep: {grid: {stage: [1, 2]}}\ntask: {kernel: noop}\n").isEmpty)  // no stage, no clash
    }
}

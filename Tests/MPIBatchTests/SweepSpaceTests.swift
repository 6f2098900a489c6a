import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchPlan
@testable import MPIBatchWorkloads

@Suite struct SweepSpaceTests {
    private func parameters(_ sweep: SweepSpec, _ index: Int) -> String {
        var json = JSONWriter()
        sweep.space.writeParameters(of: index, to: &json)
        return json.string
    }

    @Test func gridLastKeyVariesFastestAndRepeatIsInnermost() throws {
        let (_, sweep) = try loadSweep("""
            sweep:
              repeat: 2
              grid: {a: [1, 2], b: [x, y, z]}
            task: {kernel: noop}
            """)
        #expect(sweep.taskCount == 12)
        #expect(parameters(sweep, 0) == #"{"a":1,"b":"x","replicate":0}"#)
        #expect(parameters(sweep, 1) == #"{"a":1,"b":"x","replicate":1}"#)
        #expect(parameters(sweep, 2) == #"{"a":1,"b":"y","replicate":0}"#)
        #expect(parameters(sweep, 11) == #"{"a":2,"b":"z","replicate":1}"#)
    }

    @Test func rangesLinspaceAndLogspaceAreComputedNotListed() throws {
        let (_, sweep) = try loadSweep("""
            sweep:
              grid:
                steps: {range: [100, 500, 200]}
                x: {range: [0, 1, 0.25]}
                l: {linspace: [0, 1, 3]}
                g: {logspace: [-4, -2, 3]}
            task: {kernel: noop}
            """)
        let columns = sweep.space.parameters.map(\.column)
        #expect(columns[0] == .integers(start: 100, step: 200, count: 2))
        #expect(columns[1] == .reals(start: 0, step: 0.25, count: 4))
        #expect((0..<3).map { columns[2].value(at: $0) } == [.real(0), .real(0.5), .real(1)])
        #expect(abs((columns[3].value(at: 0).doubleValue ?? 0) - 1e-4) < 1e-18)
        #expect(columns[3].value(at: 2) == .real(0.01))
        #expect(sweep.taskCount == 2 * 4 * 3 * 3)
        let single = try loadSweep("sweep: {grid: {l: {linspace: [2, 5, 1]}}}\ntask: {kernel: noop}\n").1
        #expect(single.space.value(of: 0, at: 0) == .real(2))
    }

    @Test func zipIsCrossedWithTheGrid() throws {
        let (_, sweep) = try loadSweep("""
            sweep:
              grid: {mesh: [16, 32]}
              zip: {a: [1, 2, 3], b: [x, y, z]}
            task: {kernel: noop}
            """)
        #expect(sweep.taskCount == 6)
        #expect(parameters(sweep, 4) == #"{"mesh":32,"a":2,"b":"y"}"#)
        #expect(jobProblems("sweep: {zip: {a: [1, 2], b: [x]}}\ntask: {kernel: noop}\n")
            == ["1:29: zip list 'b' has 1 values, 'a' has 2"])
    }

    @Test func tableGivesOneTaskPerCSVRow() throws {
        let directory = makeJobTestDirectory()
        writeJobFile("name,size,note\nalpha,1,\"a, quoted \"\"note\"\"\"\nbeta,2.5,plain\n", named: "params.csv", in: directory)
        let path = writeJobFile("sweep: {table: params.csv, types: {size: number}, repeat: 2}\ntask: {kernel: noop}\n", in: directory)
        let job = try JobLoader.load(path: path, kernels: KernelCatalog.builtIn)
        guard case .sweep(let sweep) = job.body else { Issue.record("not a sweep"); return }
        #expect(sweep.taskCount == 4)
        #expect(parameters(sweep, 1) == #"{"name":"alpha","size":1,"note":"a, quoted \"note\"","replicate":1}"#)
        #expect(parameters(sweep, 2) == #"{"name":"beta","size":2.5,"note":"plain","replicate":0}"#)

        writeJobFile("a,b\n1,2\n3\n", named: "ragged.csv", in: directory)
        let ragged = writeJobFile("sweep: {table: ragged.csv}\ntask: {kernel: noop}\n", in: directory)
        #expect(throws: JobFileError(path: directory + "/ragged.csv", line: 3, column: 1, message: "CSV row has 1 fields, the header has 2")) {
            try JobLoader.load(path: ragged, kernels: KernelCatalog.builtIn)
        }
    }

    @Test func badAxesAreReportedWhereTheyAre() {
        let task = "task: {kernel: noop}\n"
        #expect(jobProblems("sweep: {grid: {}}\n" + task) == ["1:15: grid is empty: give at least one parameter"])
        #expect(jobProblems("sweep: {grid: {a: {range: [0, 5, -1]}}}\n" + task) == ["1:34: range step of 'a' must be positive, not -1"])
        #expect(jobProblems("sweep: {grid: {a: {range: [5, 0, 1]}}}\n" + task) == ["1:27: range of 'a' is empty: stop 0.0 is not above start 5.0"])
        #expect(jobProblems("sweep: {grid: {a: {linspace: [0, 1, 0]}}}\n" + task) == ["1:37: linspace of 'a' needs n ≥ 1, not 0"])
        #expect(jobProblems("sweep: {grid: {index: [1]}}\n" + task)
            == ["1:16: parameter name 'index' is reserved ({index}, {seed}, {replicate} always exist)"])
        #expect(jobProblems("sweep: {repeat: 0}\n" + task) == ["1:17: repeat must be at least 1, not 0"])
        #expect(jobProblems("sweep: {}\n" + task) == ["1:8: sweep is empty: give grid, zip, table or repeat"])
    }

    @Test func aBillionPointGridPlansFastAndOverflowIsAnError() throws {
        let started = Date()
        let path = writeJobFile("""
            sweep:
              grid:
                a: {range: [0, 1000, 1]}
                b: {range: [0, 1000, 1]}
                c: {linspace: [0, 1, 1000]}
            task: {command: [echo, "{a}", "{b}", "{c}"]}
            """)
        let outcome = JobValidation.plan(path: path, kernels: KernelCatalog.builtIn)
        // Materialising 10^9 tasks would take minutes; the < 1 s figure is measured in release by bench/commands.sh.
        #expect(Date().timeIntervalSince(started) < 20)
        #expect(outcome.output.contains("tasks: 1000000000"))
        #expect(outcome.output.contains("last task (index 999999999): echo 999 999 1.0"))

        #expect(jobProblems("""
            sweep:
              grid:
                a: {range: [0, 4000000000, 1]}
                b: {range: [0, 4000000000, 1]}
                c: {range: [0, 4000000000, 1]}
            task: {kernel: noop}
            """) == ["2:3: the sweep has more tasks than 9223372036854775807"])
    }
}

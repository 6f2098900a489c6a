import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchWorkloads

@Suite struct JobLoaderTests {
    @Test func loadsAGridSweepWithNameSeedAndTask() throws {
        let (job, sweep) = try loadSweep("""
            name: poisson
            seed: 7
            sweep:
              grid:
                mesh: [16, 32, 64]
                steps: {range: [100, 500, 200]}
                tol: {logspace: [-4, -2, 3]}
            task:
              command: [echo, --mesh, "{mesh}", "{tol}"]
              timeout: 60s
              retries: 2
              result: stdout-last-line
            """)
        #expect(job.name == "poisson")
        #expect(job.seed == 7)
        #expect(sweep.taskCount == 3 * 2 * 3)
        #expect(sweep.task.timeout == 60)
        #expect(sweep.task.retries == 2)
        #expect(sweep.task.result == .stdoutLastLine)
    }

    @Test func jsonHasTheSameSchemaAndLineColumnErrors() throws {
        let (_, sweep) = try loadSweep(#"{"sweep": {"grid": {"a": [1, 2]}}, "task": {"kernel": "noop"}}"#, named: "job.json")
        #expect(sweep.taskCount == 2)
        #expect(jobProblems("{\n  \"task\": {\"kernel\": \"noop\"},\n  \"sweeep\": {}\n}", named: "job.json")
            == ["3:3: unknown key 'sweeep' (did you mean 'sweep'?)"])
        #expect(jobProblems("{\"task\": {\"kernel\": \"noop\"},, }", named: "job.json").first?.hasPrefix("1:29: syntax error: did not find expected node content") == true)
    }

    @Test func malformedYAMLIsASyntaxErrorAtItsPlace() {
        let problems = jobProblems("task:\n  command: [echo, 1\nname: x\n")
        #expect(problems.count == 1)
        #expect(problems[0].hasPrefix("3:5: syntax error: did not find expected ',' or ']'"))
    }

    @Test func unknownKeysSuggestTheClosestName() {
        #expect(jobProblems("sweep:\n  gird: {a: [1]}\ntask: {kernel: noop}\n")
            == ["2:3: unknown key 'gird' in sweep (did you mean 'grid'?)"])
        #expect(jobProblems("task: {kernel: noop, retires: 2}\n")
            == ["1:22: unknown key 'retires' in task (did you mean 'retries'?)"])
        #expect(jobProblems("task: {kernel: nop}\n") == ["1:16: unknown kernel 'nop' (did you mean 'noop'?)"])
    }

    @Test func sweepAndMonteCarloTogetherAreRejected() {
        #expect(jobProblems("""
            montecarlo: {kernel: pi, paths: 1000}
            sweep: {repeat: 2}
            task: {kernel: noop}
            """).first == "2:1: a job has either montecarlo: or sweep:/task:, not both")
    }

    @Test func aStageWithoutABodyIsAnError() {
        #expect(jobProblems("stages:\n  - name: a\n").first == "2:5: stage 'a' needs a body: command:, shell:, kernel:, or task: with sweep:")
    }

    @Test func monteCarloSectionFillsTheExistingSpec() throws {
        let job = try JobLoader.load(path: writeJobFile("""
            seed: 11
            montecarlo:
              kernel: gbm-european-call
              params: {s0: 42, k: 40, r: 0.1, sigma: 0.2, t: 0.5, steps: 64}
              paths: 1e6
              target: {rel_error: 0.001}
              paths_out: paths.bin
            """), kernels: KernelCatalog.builtIn)
        guard case .monteCarlo(let spec) = job.body else { Issue.record("not montecarlo"); return }
        #expect(spec == MonteCarloSpec(
            kernel: "gbm-european-call", params: ["s0": 42, "k": 40, "r": 0.1, "sigma": 0.2, "t": 0.5, "steps": 64],
            paths: 1_000_000, seed: 11, block: 4096, target: .relativeError(0.001), pathsOut: "paths.bin"))
    }

    @Test func manyProblemsAreAllReportedInFileOrder() {
        let problems = jobProblems("""
            sweep:
              grid:
                a: []
                b: {range: [0, 10, 0]}
            task:
              command: [echo, "{c}"]
              timeout: soon
            """)
        #expect(problems == [
            "3:8: 'a' has no values",
            "4:24: range step of 'b' must be positive, not 0",
        ])
        #expect(jobProblems("""
            sweep: {grid: {a: [1]}}
            task:
              command: [echo, "x{c}"]
              timeout: soon
            """) == [
            "3:21: unknown name '{c}' in template \"x{c}\" (did you mean '{a}'?) (for literal braces, as in code or JSON, write '{{' and '}}')",
            "4:12: timeout 'soon' is not a positive duration such as 60s, 500ms, 2m",
        ])
    }

    @Test func contentHashIgnoresCommentsAndLayoutButNotValues() throws {
        let a = try loadSweep("sweep: {grid: {a: [1, 2]}}\ntask: {kernel: noop}\n").0.contentHash
        let b = try loadSweep("# a comment\nsweep:\n  grid:\n    a: [1,   2]   # more\ntask:\n  kernel: noop\n").0.contentHash
        let c = try loadSweep("sweep: {grid: {a: [1, 3]}}\ntask: {kernel: noop}\n").0.contentHash
        let d = try loadSweep("sweep: {grid: {a: [1, '2']}}\ntask: {kernel: noop}\n").0.contentHash
        #expect(a == b)
        #expect(a != c)
        #expect(a != d)
        #expect(a.count == 16)
    }

    @Test func plainTaskFilesRunEachLineThroughTheShell() throws {
        let (job, sweep) = try loadSweep("# setup\necho one\n\n  echo two {not a template}  \n#done\n", named: "tasks.txt")
        #expect(job.name == "tasks")
        #expect(sweep.taskCount == 2)
        var json = JSONWriter()
        sweep.space.writeParameters(of: 1, to: &json)
        #expect(json.string == #"{"line":4,"command":"echo two {not a template}"}"#)
        let workload = try SweepWorkload(job: job)
        #expect(workload.describeTask(1) == "\(ShellProgram.standard.path) -c echo two {not a template}")
        #expect(jobProblems("# nothing\n\n", named: "empty.txt") == ["1:1: task file has no commands (only blank lines, comments and directives)"])
    }

    @Test func missingProgramWithAPathIsReportedAtValidateTime() {
        #expect(jobProblems("task:\n  command: [./no-such-solver, -v]\n").first?
            .hasPrefix("2:13: program './no-such-solver' does not exist") == true)
    }
}

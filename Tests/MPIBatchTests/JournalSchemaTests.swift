import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchJournal
@testable import MPIBatchPlan
@testable import MPIBatchWorkloads

/// The journal's schema per kind of task: every line has the fixed keys; `value` and `error`
/// only when the attempt has them; `exit_code`, `signal` and `max_rss_bytes` on every line of
/// a task that runs a process each attempt, and on any other line only when known.
@Suite struct JournalSchemaTests {
    static let fixed: Set<String> = [
        "index", "params", "status", "seconds", "start", "started_at", "rank", "slot", "attempt", "cpu_seconds",
    ]
    static let process: Set<String> = ["exit_code", "signal", "max_rss_bytes"]
    static let model = "def f(x):\n    return x\n"

    /// A workload of the job `task` (one of two tasks), with `model.py` beside it.
    private func sweep(_ task: String) throws -> SweepWorkload {
        let directory = makeJobTestDirectory()
        try Self.model.write(toFile: directory + "/model.py", atomically: true, encoding: .utf8)
        let text = "sweep:\n  grid:\n    x: [1, 2]\ntask:\n" + task
        return try SweepWorkload(job: JobLoader.load(path: writeJobFile(text, in: directory), kernels: KernelCatalog.builtIn))
    }

    private func monteCarlo(_ section: String) throws -> MonteCarloSpec {
        let directory = makeJobTestDirectory()
        try Self.model.write(toFile: directory + "/model.py", atomically: true, encoding: .utf8)
        let job = try JobLoader.load(path: writeJobFile("montecarlo:\n" + section, in: directory), kernels: KernelCatalog.builtIn)
        guard case .monteCarlo(let spec) = job.body else { throw SweepWorkloadError.notASweep(job: job.name) }
        return spec
    }

    private func record(
        _ status: TaskStatus = .ok, value: TaskValue = .none, error: String? = nil, exitCode: Int32? = nil, signal: Int32? = nil,
        usage: TaskUsage? = TaskUsage(cpuSeconds: 0.001, maxRSSBytes: nil), log: TaskLog? = nil
    ) -> TaskRecord {
        TaskRecord(
            index: 1, attempt: 1, status: status, rank: 1, slot: 0, start: 0.5, seconds: 0.002, value: value, error: error,
            startedAt: 1_796_175_893.601282, exitCode: exitCode, signal: signal, log: log, usage: usage)
    }

    /// The keys of `record`'s line; the scanner reads back the entry the writer returned.
    private func keys(_ record: TaskRecord, _ workload: any ParameterFormatter) throws -> Set<String> {
        var json = JSONWriter()
        let written = JournalLine.write(record, workload: workload, to: &json)
        let line = Array(json.bytes.dropLast())
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
        let nulls = Set(object.filter { $0.value is NSNull }.keys)
        let mayBeNull = Set(object.keys).isSuperset(of: Self.process) ? Self.process : []
        #expect(nulls.isSubset(of: mayBeNull.union(["started_at", "cpu_seconds"])), "\(object)")
        try line.withUnsafeBufferPointer { bytes in
            let read = try JournalLineScanner.scan(bytes)
            #expect(read.exitCode == written.exitCode && read.signal == written.signal)
            #expect(read.maxRSSBytes == written.maxRSSBytes && read.cpuSeconds == written.cpuSeconds)
            #expect(read.value == written.value && read.error == written.error && read.params == written.params)
            #expect(read.startedAt == written.startedAt && read.workerStartSeconds == written.workerStartSeconds)
        }
        return Set(object.keys)
    }

    @Test func aKernelLineHasItsValueOrItsErrorAndNothingNull() throws {
        let noop = try sweep("  kernel: noop")
        #expect(try keys(record(), noop) == Self.fixed)
        #expect(try keys(record(value: .number(2)), noop) == Self.fixed.union(["value"]))
        #expect(try keys(record(.failed, error: "boom"), noop) == Self.fixed.union(["error"]))
        #expect(try keys(record(.cancelled, usage: nil), noop) == Self.fixed, "a cancelled task: cpu_seconds null, no error")
    }

    @Test func aCommandLineHasTheProcessFieldsAlways() throws {
        let command = try sweep("  command: [\"true\"]")
        let ran = record(exitCode: 0, usage: TaskUsage(cpuSeconds: 0.001, maxRSSBytes: 4096), log: .taskFiles(stdout: "o", stderr: "e"))
        #expect(try keys(ran, command) == Self.fixed.union(Self.process).union(["log"]))
        let neverStarted = record(.failed, error: "no such program", usage: nil)
        #expect(try keys(neverStarted, command) == Self.fixed.union(Self.process).union(["error"]))
        let shell = try sweep("  shell: \"echo {x}\"\n  result: stdout-last-line")
        #expect(try keys(record(value: .text("1"), exitCode: 0), shell) == Self.fixed.union(Self.process).union(["value"]))
        let (job, _) = try loadSweep("echo a\necho b\n", named: "tasks.txt")
        #expect(try keys(record(.failed, error: "exit 1", exitCode: 1), SweepWorkload(job: job)) == Self.fixed.union(Self.process).union(["error"]))
    }

    @Test func aPersistentWorkersLineHasTheProcessFieldsOnlyWhenItsWorkerDied() throws {
        var started = record(value: .number(1))
        started.workerStartSeconds = 0.25
        for task in ["  python: \"model:f\"", "  worker: {command: [\"cat\"]}"] {
            let workload = try sweep(task)
            #expect(try keys(record(value: .number(1)), workload) == Self.fixed.union(["value"]))
            #expect(try keys(started, workload) == Self.fixed.union(["value", "worker_start_seconds"]))
            let died = record(.failed, error: "its worker died (exited with status 3)", exitCode: 3)
            #expect(try keys(died, workload) == Self.fixed.union(["error", "exit_code"]))
            let killed = record(.failed, error: "its worker died (killed by signal 9)", signal: 9)
            #expect(try keys(killed, workload) == Self.fixed.union(["error", "signal"]))
        }
    }

    @Test func aMonteCarloBlocksLineHasItsAccumulator() throws {
        let block = TaskValue.numbers([10, 1.5, 2.5, 0.5, 3])
        let kernel = try MonteCarloWorkload(spec: monteCarlo("  kernel: pi\n  paths: 100\n  block: 10\n"))
        #expect(try keys(record(value: block), kernel) == Self.fixed.union(["value"]))
        let model = try MonteCarloModelWorkload(spec: monteCarlo("  python: \"model:f\"\n  paths: 100\n  block: 10\n"))
        #expect(try keys(record(value: block), model) == Self.fixed.union(["value"]))
        #expect(try keys(record(.failed, error: "x"), model) == Self.fixed.union(["error"]))
    }

    /// A journal the previous version wrote (every key, `null` where empty) resumes and reads as
    /// the same attempts as its lines written now: the same cells, the same tasks done.
    @Test func linesWithTheNullsOfThePreviousVersionReadAsTheirNewForm() throws {
        let head = #"{"index":0,"params":{"x":1},"status":"ok","seconds":0.5,"start":1.25,"started_at":1796175893.601282,"rank":1,"slot":0,"attempt":1,"#
        let failedHead = #"{"index":1,"params":{"x":2},"status":"failed","seconds":0.5,"start":1.75,"started_at":null,"rank":1,"slot":0,"attempt":1,"#
        let pairs = [
            (head + #""exit_code":null,"signal":null,"cpu_seconds":0.25,"max_rss_bytes":null,"value":3.5,"error":null}"#,
             head + #""cpu_seconds":0.25,"value":3.5}"#),
            (head + #""exit_code":null,"signal":null,"cpu_seconds":0.25,"max_rss_bytes":null,"value":null,"error":null}"#,
             head + #""cpu_seconds":0.25}"#),
            (failedHead + #""exit_code":3,"signal":null,"cpu_seconds":null,"max_rss_bytes":null,"value":null,"error":"died"}"#,
             failedHead + #""exit_code":3,"cpu_seconds":null,"error":"died"}"#),
        ]
        for (old, new) in pairs {
            let (oldCells, newCells) = (cells(old), cells(new))
            #expect(oldCells == newCells, "\(old)")
            #expect(oldCells.count > 3)
        }
        let directory = makeJobTestDirectory()
        let path = directory + "/results.jsonl"
        let lines = [pairs[2].0, pairs[0].0, pairs[2].1, #"{"index":2,"params":{"x":3},"status":"ok","seconds":0.5,"start":2,"started_at":null,"rank":1,"slot":0,"attempt":1,"cpu_seconds":null,"value":[1.0,2.0]}"#]
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: false, encoding: .utf8)
        let state = try JournalState(journal: JournalShards(file: path), taskCount: 3, parts: [], keepValues: true)
        #expect(state.succeeded == IndexRanges([0, 2]))
        #expect(state.failedAttempts == [1: 2])
        #expect(state.values.map(\.index) == [0, 2] && state.values.first?.value == .number(3.5))
        #expect(state.values.last?.value == .numbers([1, 2]))
    }

    /// `line`'s cells in a table of its own columns.
    private func cells(_ line: String) -> [String: String] {
        Array(line.utf8).withUnsafeBufferPointer { bytes in
            var table = ResultsTable()
            table.include(bytes)
            return Dictionary(uniqueKeysWithValues: zip(table.header, table.cells(of: bytes)))
        }
    }
}

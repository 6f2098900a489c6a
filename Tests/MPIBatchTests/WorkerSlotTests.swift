import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchJournal
@testable import MPIBatchPlan
@testable import MPIBatchRuntime
@testable import MPIBatchWorkloads

/// The persistent worker pool's state against real Python workers: one worker per slot, kept
/// across batches; a dead or hung worker replaced, the rest of its batch run again there.
@Suite struct WorkerSlotTests {
    static let model = """
        import os, time
        def pid(x, index):
            if index == 1 and x == 1 and os.environ.get("DIE_AT_ONE"):
                os._exit(3)
            if index == 1 and x == 1 and os.environ.get("HANG_AT_ONE"):
                time.sleep(60)
            return os.getpid()
        def echo(**arguments):
            return sorted(arguments.items())
        def tenfold(x):
            return x * 10
        def waits(x):
            if x == 1:
                time.sleep(0.05)
            if x == 2:
                for _ in range(3000):
                    if os.path.exists(os.environ["GO_FILE"]):
                        return "went"
                    time.sleep(0.01)
                return "waited in vain"
            return x
        def threads(x):
            return [os.environ["OMP_NUM_THREADS"], os.environ["OPENBLAS_NUM_THREADS"], os.environ["MKL_NUM_THREADS"]]
        """

    private func workload(_ task: String, directory: String = makeJobTestDirectory()) throws -> (SweepWorkload, String) {
        try Self.model.write(toFile: directory + "/model.py", atomically: true, encoding: .utf8)
        let text = "sweep:\n  grid:\n    x: [0, 1, 2, 3, 4, 5]\ntask:\n" + task
        let job = try JobLoader.load(path: writeJobFile(text, in: directory), kernels: KernelCatalog.builtIn)
        return (try SweepWorkload(job: job), directory)
    }

    private func context(_ index: Int, slot: Int = 0, chunkEnd: Int, _ directory: String) -> TaskContext {
        TaskContext(
            index: index, attempt: 1, rank: 0, slot: slot, outputDirectory: directory + "/out",
            report: CommandReport(log: RankLog(runDirectory: directory + "/out", rank: 0)), batchEnd: chunkEnd)
    }

    private func pid(_ value: TaskValue) -> Int? {
        if case .number(let number) = value { return Int(number) }
        return nil
    }

    @Test func oneWorkerPerSlotKeptAcrossBatches() async throws {
        let (job, directory) = try workload("  python: \"model:pid\"")
        var pids: [Int?] = []
        for (index, chunkEnd) in [(0, 2), (1, 2), (2, 6), (3, 6)] {
            pids.append(pid(try await job.run(context(index, chunkEnd: chunkEnd, directory))))
        }
        #expect(pids[0] != nil && Set(pids).count == 1)
        let other = pid(try await job.run(context(4, slot: 1, chunkEnd: 6, directory)))
        #expect(other != nil && other != pids[0])
    }

    @Test func aDeadWorkerFailsOnlyItsTaskAndTheRestOfTheBatchGoesToANewOne() async throws {
        let (job, directory) = try workload("  python: \"model:pid\"\n  env: {DIE_AT_ONE: \"1\"}")
        let first = pid(try await job.run(context(0, chunkEnd: 4, directory)))
        await #expect {
            _ = try await job.run(context(1, chunkEnd: 4, directory))
        } throws: { error in
            (error as? WorkerTaskFailure)?.description.contains("its worker died (exited with status 3)") == true
        }
        let second = pid(try await job.run(context(2, chunkEnd: 4, directory)))
        let third = pid(try await job.run(context(3, chunkEnd: 4, directory)))
        #expect(first != nil && second != nil && first != second && second == third)
        #expect(kill(pid_t(first!), 0) != 0)  // reaped, not left behind
    }

    /// Each task of a batch in flight gets its own value: the next one sent, one after a task
    /// skipped (its chunk's task cancelled), and one of another attempt (the rest of the batch
    /// is read and dropped, and a new batch sent).
    @Test func eachTaskOfABatchGetsItsOwnValue() async throws {
        let (job, directory) = try workload("  python: \"model:tenfold\"")
        func value(_ index: Int, attempt: Int = 1) async throws -> TaskValue {
            try await job.run(TaskContext(
                index: index, attempt: attempt, rank: 0, slot: 0, outputDirectory: directory + "/out",
                report: CommandReport(log: RankLog(runDirectory: directory + "/out", rank: 0)), batchEnd: 6))
        }
        var values: [TaskValue] = []
        for (index, attempt) in [(0, 1), (1, 1), (3, 1), (4, 2), (5, 1), (5, 1)] {
            values.append(try await value(index, attempt: attempt))
        }
        #expect(values == [0, 10, 30, 40, 50, 50].map { .number(Double($0)) })
    }

    /// A batch's values go as the worker runs it, in groups (one frame per few milliseconds of
    /// calls), not at its end: here task 2 waits for a file that the test writes only once it
    /// has the values of tasks 0 and 1 (held to the batch's end, they would come after 30 s).
    @Test func aBatchsValuesGoWhileItStillRuns() async throws {
        let directory = makeJobTestDirectory()
        let go = directory + "/go"
        let (job, _) = try workload("  python: \"model:waits\"\n  env: {GO_FILE: \"\(go)\"}", directory: directory)
        let first = try await job.run(context(0, chunkEnd: 3, directory))
        let second = try await job.run(context(1, chunkEnd: 3, directory))
        #expect(first == .number(0) && second == .number(1))
        try "".write(toFile: go, atomically: true, encoding: .utf8)
        let third = try await job.run(context(2, chunkEnd: 3, directory))
        #expect(third == .json("\"went\""), "\(third)")
    }

    @Test func aHungWorkerIsKilledAtTheTimeoutAndReplaced() async throws {
        let (job, directory) = try workload("  python: \"model:pid\"\n  timeout: 500ms\n  env: {HANG_AT_ONE: \"1\"}")
        let first = pid(try await job.run(context(0, chunkEnd: 3, directory)))
        let began = Date()
        await #expect(throws: TaskTimeout.self) { _ = try await job.run(context(1, chunkEnd: 3, directory)) }
        #expect(Date().timeIntervalSince(began) < 60)  // not the hang's end (a busy machine's test may wait seconds for a thread)
        let second = pid(try await job.run(context(2, chunkEnd: 3, directory)))
        #expect(first != nil && second != nil && first != second)
        #expect(kill(pid_t(first!), 0) != 0)
    }

    @Test func aWorkersStartUpIsReportedOnceForTheTaskThatWaitedForIt() async throws {
        let (job, directory) = try workload("  python: \"model:pid\"")
        var startups: [Double] = []
        for index in 0..<3 {
            let task = context(index, chunkEnd: 3, directory)
            _ = try await job.run(task)
            startups.append(task.report!.take().setupSeconds)
        }
        #expect(startups[0] > 0 && startups[1...].allSatisfy { $0 == 0 }, "\(startups)")
    }

    @Test func aWorkerThatCannotStartFailsEveryTaskOfItsSlotWithOneMessage() async throws {
        let (job, directory) = try workload("  python: \"model:missing\"")
        for index in 0..<2 {
            await #expect {
                _ = try await job.run(context(index, chunkEnd: 6, directory))
            } throws: { error in
                (error as? WorkerStartFailure)?.description.contains("model.py: module model has no function 'missing'") == true
            }
        }
    }

    @Test func workersGetThreadVariablesSetToTheirCores() async throws {
        let (job, directory) = try workload("  python: \"model:threads\"\n  cores: 2")
        #expect(try await job.run(context(0, chunkEnd: 1, directory)) == .json(#"["2","2","2"]"#))
    }

    @Test func argsReplaceTheParametersAsKeywordArguments() async throws {
        let (job, directory) = try workload("  python: \"model:echo\"\n  args: {y: \"{x}\", label: \"x={x}\", k: 10}")
        #expect(try await job.run(context(3, chunkEnd: 4, directory)) == .json(#"[["attempt",1],["index",3],["k",10],["label","x=3"],["seed",\#(TaskSeed.seed(job: job.expansion.jobSeed, index: 3))],["y",3]]"#))
    }

    @Test func badWorkerTasksAreRefusedAtValidation() {
        let sweep = "sweep:\n  grid:\n    x: [1]\ntask:\n"
        #expect(jobProblems(sweep + "  python: \"nosuchmodule_xyz:f\"").first?.hasPrefix("5:11: python module 'nosuchmodule_xyz' not found") == true)
        #expect(jobProblems(sweep + "  python: \"model\"").first?.contains("python must be \"module:function\"") == true)
        #expect(jobProblems(sweep + "  python: \"json:dumps\"\n  python_program: no-such-python").first?.contains("python_program 'no-such-python'") == true)
        #expect(jobProblems(sweep + "  python: \"json:dumps\"\n  result: stdout-json").first?.contains("a worker's function returns its own value") == true)
        #expect(jobProblems(sweep + "  command: [true]\n  startup_timeout: 5s").first?.contains("startup_timeout: applies to python: and worker: tasks") == true)
        #expect(jobProblems(sweep + "  worker: {command: [./missing-worker]}").first?.contains("program './missing-worker'") == true)
        #expect(jobProblems(sweep + "  python: \"json:dumps\"").isEmpty)  // an installed module: the interpreter finds it
    }

    /// A raw-protocol worker that holds every result of a batch until the batch's end and
    /// exits (status 3) on task 2 with x == 2: tasks 0 and 1 ran but were never answered.
    static let holdingWorker = """
        import json, os, struct, sys
        fd_in, fd_out = (int(fd) for fd in os.environ["MPIBATCH_WORKER_FDS"].split(","))
        stream = os.fdopen(fd_in, "rb")
        def frames():
            while True:
                head = stream.read(5)
                if len(head) < 5:
                    return
                yield json.loads(stream.read(struct.unpack("<I", head[:4])[0] - 1))
        def send(message):
            body = json.dumps(message).encode()
            os.write(fd_out, struct.pack("<IB", len(body) + 1, 1) + body)
        for message in frames():
            if message["kind"] == "hello":
                send({"kind": "ready", "protocol": 1})
                continue
            held = []
            for task in message["tasks"]:
                if task["index"] == 2 and task["params"]["x"] == 2:
                    os._exit(3)
                held.append({"kind": "result", "index": task["index"], "value": os.getpid()})
            for result in held:
                send(result)
        """

    @Test func aWorkerDeadWithResultsHeldHasThemRerunOneAtATimeAndOnlyTheCulpritFails() async throws {
        let directory = makeJobTestDirectory()
        try Self.holdingWorker.write(toFile: directory + "/holder.py", atomically: true, encoding: .utf8)
        let (job, _) = try workload("  worker: {command: [python3, holder.py]}\n  cwd: .", directory: directory)
        var pids: [Int: Int?] = [:]
        for index in [0, 1, 3, 4, 5] {
            if index == 3 {
                await #expect {
                    _ = try await job.run(context(2, chunkEnd: 6, directory))
                } throws: { error in
                    (error as? WorkerTaskFailure)?.description.contains("its worker died (exited with status 3)") == true
                }
            }
            pids[index] = pid(try await job.run(context(index, chunkEnd: 6, directory)))
        }
        #expect(pids.values.allSatisfy { $0 != nil })
        #expect(pids[0] == pids[1] && pids[3] != pids[0] && pids[3] == pids[5])
    }
}

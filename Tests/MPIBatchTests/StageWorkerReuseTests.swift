import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchJournal
@testable import MPIBatchRuntime
@testable import MPIBatchWorkloads

/// Persistent workers that outlive a stage: a stage whose tasks name the same worker as an
/// earlier stage's (program, module, env, cwd) takes the slot's live worker; another worker
/// is started for another identity; a slot keeps a bounded number idle.
@Suite struct StageWorkerReuseTests {
    static let model = """
        import os
        def pid(attempt=1, die=0):
            if die and attempt == 1:
                os.kill(os.getpid(), 9)
            return os.getpid()
        """

    /// A graph of inline stages (`name`, extra keys), each after the one before, all `python: "model:pid"`.
    private func graph(_ stages: [(name: String, extra: String)], model: String = Self.model) throws -> (StageGraphWorkload, String) {
        let directory = makeJobTestDirectory()
        try model.write(toFile: directory + "/model.py", atomically: true, encoding: .utf8)
        var text = "name: reuse\nstages:\n"
        for (number, stage) in stages.enumerated() {
            text += "  - name: \(stage.name)\n    python: \"model:pid\"\n"
            if number > 0 { text += "    after: [\(stages[number - 1].name)]\n" }
            if !stage.extra.isEmpty { text += "    \(stage.extra)\n" }
        }
        let job = try JobLoader.load(path: writeJobFile(text, in: directory), kernels: KernelCatalog.builtIn)
        guard case .stages(let graph) = job.body else { throw SweepWorkloadError.notASweep(job: job.name) }
        return (try StageGraphWorkload(graph: graph, jobSeed: job.seed, kernels: KernelCatalog.builtIn, outputDirectory: directory + "/out"), directory)
    }

    private func context(_ index: Int, slot: Int = 0, attempt: Int = 1, _ directory: String) -> TaskContext {
        TaskContext(
            index: index, attempt: attempt, rank: 0, slot: slot, outputDirectory: directory + "/out",
            report: CommandReport(log: RankLog(runDirectory: directory + "/out", rank: 0)), batchEnd: index + 1)
    }

    private func pid(_ workload: StageGraphWorkload, _ index: Int, slot: Int = 0, attempt: Int = 1, _ directory: String) async throws -> Int {
        guard case .number(let number) = try await workload.run(context(index, slot: slot, attempt: attempt, directory)) else { return -1 }
        return Int(number)
    }

    /// Waits (at most 10 s) until process `pid` is gone.
    private func gone(_ pid: Int) async -> Bool {
        for _ in 0..<200 where kill(pid_t(pid), 0) == 0 { try? await Task.sleep(for: .milliseconds(50)) }
        return kill(pid_t(pid), 0) != 0
    }

    @Test func stagesNamingTheSameWorkerShareTheSlotsLiveWorker() async throws {
        let (workload, directory) = try graph([("a", ""), ("b", ""), ("c", "")])
        var startups: [Double] = []
        var pids: [Int] = []
        for index in 0..<3 {
            let task = context(index, directory)
            guard case .number(let value) = try await workload.run(task) else { throw CancellationError() }
            pids.append(Int(value))
            startups.append(task.report!.take().setupSeconds)
        }
        #expect(pids[0] > 0 && Set(pids).count == 1, "\(pids)")
        #expect(startups[0] > 0 && startups[1...].allSatisfy { $0 == 0 }, "\(startups)")
        let otherSlot = try await pid(workload, 1, slot: 1, directory)
        #expect(otherSlot != pids[0])  // a slot never takes another slot's worker
    }

    /// The graph's first stage's workers, spawned before any task (`prestartWorkers`, as a run
    /// does while MPI starts), serve the first task of any stage naming the same worker on their
    /// slot; a stage naming another worker starts its own.
    @Test func theFirstStagesWorkersStartedEarlyServeTheFirstTaskOfAnyStageNamingThem() async throws {
        let model = Self.model + """

            open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "loaded-slot-%s-pid-%d" % (os.environ["MPIBATCH_SLOT"], os.getpid())), "w").close()
            """
        let (workload, directory) = try graph([("a", ""), ("b", ""), ("c", "env: {K: \"1\"}")], model: model)
        workload.prestartWorkers(rank: 0, slots: 0..<2, outputDirectory: directory + "/out")
        var early: [String] = []
        for _ in 0..<200 where early.count < 2 {  // at most 10 s for both to load the model
            try? await Task.sleep(for: .milliseconds(50))
            early = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("loaded-") }.sorted()
        }
        #expect(early.count == 2, "\(early)")
        let b = try await pid(workload, 1, slot: 1, directory)  // stage b's task, on slot 1 first
        #expect(early.contains("loaded-slot-1-pid-\(b)"), "\(early), b ran in \(b)")
        let c = try await pid(workload, 2, slot: 1, directory)
        #expect(c != b && !early.contains("loaded-slot-1-pid-\(c)"))
        let a = try await pid(workload, 0, slot: 0, directory)
        #expect(early.contains("loaded-slot-0-pid-\(a)"), "\(early), a ran in \(a)")
    }

    @Test func anotherEnvOrDirectoryIsAnotherWorkerAndTheFirstStaysForItsOwn() async throws {
        let (workload, directory) = try graph([("a", ""), ("b", "env: {K: \"1\"}"), ("c", "cwd: /tmp"), ("d", "")])
        let pids = [
            try await pid(workload, 0, directory), try await pid(workload, 1, directory),
            try await pid(workload, 2, directory), try await pid(workload, 3, directory),
        ]
        #expect(Set(pids[0...2]).count == 3, "\(pids)")
        #expect(pids[3] == pids[0], "\(pids)")
    }

    @Test func aSlotKeepsABoundedNumberIdleAndRetiresTheOldest() async throws {
        let kinds = (0...WorkerKeeper.idlePerSlot).map { ("s\($0)", "env: {K: \"\($0)\"}") }
        let (workload, directory) = try graph(kinds + [("again", "env: {K: \"0\"}"), ("last", "env: {K: \"\(WorkerKeeper.idlePerSlot)\"}")])
        var pids: [Int] = []
        for index in 0..<(kinds.count + 2) { pids.append(try await pid(workload, index, directory)) }
        #expect(Set(pids[0..<kinds.count]).count == kinds.count, "\(pids)")
        #expect(await gone(pids[0]), "the oldest idle worker is retired")
        #expect(pids[kinds.count] != pids[0])  // its identity comes back: a new worker
        #expect(pids[kinds.count + 1] == pids[kinds.count - 1])  // the newest kept is still there
    }

    @Test func aWorkerKilledMidTaskFailsThatAttemptAndTheRetryRunsOnANewWorker() async throws {
        let (workload, directory) = try graph([("a", ""), ("b", "args: {die: 1}"), ("c", "")])
        let first = try await pid(workload, 0, directory)
        await #expect {
            _ = try await workload.run(context(1, directory))
        } throws: { error in
            (error as? WorkerTaskFailure)?.description.contains("its worker died (killed by signal 9") == true
        }
        #expect(await gone(first))
        let retry = try await pid(workload, 1, attempt: 2, directory)
        #expect(retry != first && retry > 0)
        #expect(try await pid(workload, 2, directory) == retry)  // the new worker serves the next stage
    }
}

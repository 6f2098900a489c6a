import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchPlan
@testable import MPIBatchRuntime
@testable import MPIBatchWorkloads

@Suite struct CommandTaskTests {
    /// Values that would run `touch pwned` if they ever reached a shell unquoted.
    static let hostile = ["$(touch pwned)", "\"; touch pwned; \"", "`touch pwned`", "a b  c", "line1\nline2", "it's \"quoted\"", "'; touch pwned; '"]

    private func workload(_ task: String, directory: String, sweep: String? = nil) throws -> SweepWorkload {
        let values = Self.hostile.map { "'" + $0.replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "\n", with: "\n\n") + "'" }
        let text = (sweep ?? "sweep:\n  grid:\n    v: [\(values.joined(separator: ", "))]") + "\ntask:\n" + task
        return try SweepWorkload(job: JobLoader.load(path: writeJobFile(text, in: directory), kernels: KernelCatalog.builtIn))
    }

    private func context(_ index: Int, _ directory: String, attempt: Int = 1) -> TaskContext {
        commandContext(index, directory + "/out", attempt: attempt)
    }

    @Test func hostileValuesReachCommandArgvByteForByte() async throws {
        let directory = makeJobTestDirectory()
        let job = try workload("  command: [/usr/bin/printf, '%s', \"{v}\"]\n  cwd: .", directory: directory)
        for index in Self.hostile.indices {
            let task = context(index, directory)
            #expect(try await job.run(task) == TaskValue.none)
            #expect(try capturedOutput(task).stdout == Self.hostile[index])
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/pwned"))
    }

    @Test func hostileValuesAreQuotedInShellTasks() async throws {
        let directory = makeJobTestDirectory()
        let job = try workload("  shell: \"printf '%s' {v} > got-{index}.txt; echo done\"\n  cwd: .\n  result: stdout-last-line", directory: directory)
        for index in Self.hostile.indices {
            #expect(try await job.run(context(index, directory)) == .text("done"))
            let received = try String(contentsOfFile: directory + "/got-\(index).txt", encoding: .utf8)
            #expect(received == Self.hostile[index])
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/pwned"))
        #expect(ShellQuoting.quote("it's") == #"'it'\''s'"#)
    }

    @Test func stdoutJSONEnvironmentAndLogs() async throws {
        let directory = makeJobTestDirectory()
        let job = try workload("""
              shell: 'printf ''{{"x": %s, "n": %s}}\\n'' "$X" {n}; echo warn >&2'
              env: {X: "{n}0"}
              result: stdout-json
            """, directory: directory, sweep: "sweep: {grid: {n: [1, 2]}}")
        let task = context(1, directory)
        #expect(try await job.run(task) == .json(#"{"x": 20, "n": 2}"#))
        #expect(try capturedOutput(task).stderr == "warn\n")
        let file = try workload("  shell: 'echo {n} > r{index}.txt; echo [{n}] > j{index}.txt'\n  cwd: .\n  result: file:j{index}.txt", directory: directory, sweep: "sweep: {grid: {n: [5]}}")
        #expect(try await file.run(context(0, directory)) == .json("[5]"))
    }

    @Test func aStderrTailCutFromLongerOutputStartsAtAWholeLineAfterAMark() async throws {
        let directory = makeJobTestDirectory()
        let whole = (1...500).map { "line \($0)\n" }.joined() + "boom\n"
        for logs in ["", "\n  logs: per-task"] {
            let job = try workload(
                "  shell: 'for i in $(seq 500); do echo line $i >&2; done; echo boom >&2; exit 1'" + logs,
                directory: directory, sweep: "sweep: {repeat: 1}")
            do {
                _ = try await job.run(context(0, directory))
                Issue.record("the task did not fail")
            } catch let failure as CommandFailure {
                guard case .exited(_, _, let tail, _) = failure else { Issue.record("\(failure)"); continue }
                #expect(tail.hasPrefix("… line "), "\(tail.prefix(20))")
                #expect(whole.hasSuffix(String(tail.dropFirst(2)) + "\n"), "not whole lines: \(tail.prefix(20))")
                #expect(whole.dropLast().hasSuffix("\n" + tail.dropFirst(2)))
            }
        }
    }

    @Test func failuresCarryExitStatusAndStderrTail() async throws {
        let directory = makeJobTestDirectory()
        let job = try workload("  shell: 'echo bad thing >&2; exit 3'", directory: directory, sweep: "sweep: {repeat: 1}")
        await #expect(throws: CommandFailure.exited(program: ShellProgram.standard.path, status: 3, stderrTail: "bad thing")) {
            try await job.run(context(0, directory))
        }
        let perTask = try workload("  shell: 'echo bad thing >&2; exit 3'\n  logs: per-task", directory: directory, sweep: "sweep: {repeat: 1}")
        let task = context(0, directory, attempt: 2)
        await #expect(throws: CommandFailure.exited(program: ShellProgram.standard.path, status: 3, stderrTail: "bad thing")) {
            try await perTask.run(task)
        }
        #expect(try String(contentsOfFile: directory + "/out/logs/0.2.err", encoding: .utf8) == "bad thing\n")
        #expect(task.report?.take().withoutUsage == .init(exitCode: 3, log: .taskFiles(stdout: "logs/0.2.out", stderr: "logs/0.2.err")))
        let badJSON = try workload("  command: [echo, 'not json']\n  result: stdout-json", directory: directory, sweep: "sweep: {repeat: 1}")
        await #expect(throws: CommandFailure.self) { try await badJSON.run(context(0, directory)) }
    }

    @Test func missingProgramOnPathIsARunTimeFailure() async throws {
        let directory = makeJobTestDirectory()
        let job = try workload("  command: [no-such-program-xyz]", directory: directory, sweep: "sweep: {repeat: 1}")
        // A job's task runs in the job file's directory, which the message names.
        await #expect(throws: CommandFailure.cannotStart(program: "no-such-program-xyz", reason: "not found on PATH (cwd: \(directory))")) {
            try await job.run(context(0, directory))
        }
    }

    @Test(.timeLimit(.minutes(10))) func timeoutKillsTheWholeProcessGroup() async throws {
        let directory = makeJobTestDirectory()
        // The task's shell and its background child hold a FIFO open: its reader sees the end
        // (POLLHUP) when both are gone, the event this test waits for.
        #expect(mkfifo(directory + "/held", 0o600) == 0)
        let held = open(directory + "/held", O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        #expect(held >= 0)
        defer { close(held) }
        let job = try workload("""
              shell: 'exec 3>held; sleep 600 & echo $! > child.pid; wait'
              cwd: .
              timeout: 300ms
            """, directory: directory, sweep: "sweep: {repeat: 1}")
        let started = Date()
        await #expect(throws: TaskTimeout.self) { try await job.run(context(0, directory)) }
        // Well under the 600 s the child sleeps: it was killed, not waited for (no timing claim;
        // the task itself may wait for a cooperative thread while CPU-heavy suites run).
        #expect(Date().timeIntervalSince(started) < 300)
        let child = try String(contentsOfFile: directory + "/child.pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        var end = pollfd(fd: held, events: Int16(POLLIN), revents: 0)
        while poll(&end, 1, -1) < 0 && errno == EINTR {}  // a broken kill hangs here until the time limit
        #expect(end.revents & Int16(POLLHUP) != 0)
        let state = (try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8))?.split(separator: " ")[2]
        #expect(state == nil || state == "Z", "the grandchild \(child) should be gone (state \(state ?? "-"))")
    }

    /// What mpirun (Open MPI 4.1, its PMIx) and srun/Hydra set for a rank: never passed on to a command.
    @Test func launcherVariablesAreNotInherited() {
        let rankIdentity = [
            "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_LOCAL_SIZE", "OMPI_MCA_ess", "OMPI_MCA_ess_base_jobid",
            "OMPI_MCA_orte_hnp_uri", "OMPI_MCA_pmix", "OMPI_FILE_LOCATION", "OMPI_UNIVERSE_SIZE",
            "PMIX_RANK", "PMIX_NAMESPACE", "PMIX_SERVER_URI41", "PMI_FD", "PMI_RANK", "MPI_LOCALRANKID",
            "SLURM_STEP_ID", "SLURM_STEPID", "SLURM_PROCID", "SLURM_LOCALID",
        ]
        let userConfiguration = [
            "OMPI_MCA_btl", "OMPI_ALLOW_RUN_AS_ROOT", "PMIX_MCA_psec", "I_MPI_PIN", "SLURM_JOB_ID", "PATH", "PMIXED",
        ]
        #expect(rankIdentity.filter { !LauncherVariables.identifiesRank($0) } == [])
        #expect(userConfiguration.filter(LauncherVariables.identifiesRank) == [])
    }
}

extension CommandFailure: Equatable {
    public static func == (a: CommandFailure, b: CommandFailure) -> Bool { a.description == b.description }
}

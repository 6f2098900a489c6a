import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchRuntime
@testable import MPIBatchWorkloads

/// What a command task sees: its identity variables, bash, `OMP_NUM_THREADS` for multi-core tasks.
@Suite struct TaskEnvironmentTests {
    private func run(_ task: String, sweep: String = "sweep: {repeat: 1}", index: Int = 0, in directory: String) async throws -> TaskValue {
        let workload = try SweepWorkload(job: JobLoader.load(path: writeJobFile(sweep + "\ntask:\n" + task, in: directory), kernels: KernelCatalog.builtIn))
        return try await workload.run(TaskContext(index: index, attempt: 2, rank: 3, slot: 1, outputDirectory: directory + "/out"))
    }

    @Test func tasksKnowWhoTheyAre() async throws {
        let directory = makeJobTestDirectory()
        let value = try await run(
            "  shell: 'echo $MPIBATCH_INDEX $MPIBATCH_ATTEMPT $MPIBATCH_RANK $MPIBATCH_SLOT $MPIBATCH_OUT ${{OMP_NUM_THREADS-unset}}'\n"
                + "  result: stdout-last-line\n  cores: \"{c}\"",
            sweep: "sweep: {grid: {c: [1, 4]}}", index: 1, in: directory)
        #expect(value == .text("1 2 3 1 \(directory)/out 4"))
        let overridden = try await run(
            "  shell: 'echo $MPIBATCH_INDEX $OMP_NUM_THREADS'\n  result: stdout-last-line\n  cores: 2\n  env: {MPIBATCH_INDEX: mine, OMP_NUM_THREADS: '7'}",
            in: directory)
        #expect(overridden == .text("mine 7"))
    }

    @Test func shellBodiesRunInBash() async throws {
        guard ShellProgram.standard.note == nil else { return }  // no bash on this machine
        let directory = makeJobTestDirectory()
        let value = try await run(
            "  shell: 'cd \(directory) && echo x &> amp.txt && [[ $(cat amp.txt) == x ]] && echo bash-ok'\n  result: stdout-last-line",
            in: directory)
        #expect(value == .text("bash-ok"))
        let dash = try await run("  shell: 'echo $0'\n  shell_program: sh\n  result: stdout-last-line", in: directory)
        #expect(dash == .text(ShellProgram.locate("sh")!))
    }

    @Test func coresAndShellProgramAreChecked() {
        #expect(jobProblems("task: {kernel: noop, cores: 0}\n") == ["1:29: cores must be at least 1, not 0"])
        #expect(jobProblems("sweep: {grid: {c: [1, 2.5]}}\ntask: {kernel: noop, cores: \"{c}\"}\n")
            == ["2:29: cores: parameter 'c' must have whole numbers ≥ 1 only ([1, 2.5])"])
        #expect(jobProblems("task: {kernel: noop, cores: \"x{index}\"}\n").first?.hasPrefix("1:29: cores must be a whole number such as 4") == true)
        #expect(jobProblems("task: {command: [\"true\"], shell_program: bash}\n")
            == ["1:42: shell_program: applies to shell: tasks (a command: runs without a shell)"])
        #expect(jobProblems("task: {shell: \"true\", shell_program: no-such-shell}\n")
            == ["1:38: shell_program 'no-such-shell' is not an executable file in PATH"])
    }
}

import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchWorkloads

/// Where tasks run by default and how they reach the job file's directory: a job's tasks in
/// the job file's directory, task-file lines where mpibatch started, stages in their own
/// directories; `{job_dir}` and `$MPIBATCH_JOB_DIR` everywhere.
@Suite struct JobDirectoryTests {
    /// A job directory with `name` written in it and the path of `job` written beside it.
    private func jobBeside(_ job: String, named name: String = "job.yaml", script: String = "tool.py") -> (directory: String, path: String) {
        let directory = makeJobTestDirectory()
        writeJobFile("import json, sys\nprint(json.dumps({'x': int(sys.argv[1]), 'squared': int(sys.argv[1]) ** 2}))\n", named: script, in: directory)
        return (directory, writeJobFile(job, named: name, in: directory))
    }

    private func sweep(at path: String) throws -> SweepWorkload {
        try SweepWorkload(job: JobLoader.load(path: path, kernels: KernelCatalog.builtIn))
    }

    @Test func aJobsTasksRunInTheJobFilesDirectory() async throws {
        // The test process runs elsewhere (the package's directory): a script beside the job
        // file is found without cwd:, as `python3 heat.py` beside heat.yaml is.
        let (directory, path) = jobBeside("""
            sweep: {grid: {x: [2, 3]}}
            task:
              command: [python3, tool.py, "{x}"]
              result: stdout-json
            """)
        #expect(FileManager.default.currentDirectoryPath != directory)
        let workload = try sweep(at: path)
        #expect(try await workload.run(commandContext(1, directory + "/out")) == .json(#"{"x": 3, "squared": 9}"#))
        let shell = try sweep(at: writeJobFile("task: {shell: 'pwd; echo {job_dir} $MPIBATCH_JOB_DIR'}\n", named: "pwd.yaml", in: directory))
        let context = commandContext(0, directory + "/out")
        #expect(try await shell.run(context) == TaskValue.none)
        #expect(try capturedOutput(context).stdout == "\(directory)\n\(directory) \(directory)\n")
    }

    @Test func aProgramBesideTheJobFileValidatesFromAnotherDirectory() throws {
        let directory = makeJobTestDirectory()
        writeJobFile("#!/bin/sh\necho ok\n", named: "tool.sh", in: directory)
        chmod(directory + "/tool.sh", 0o755)
        let path = writeJobFile("task: {command: [./tool.sh]}\n", in: directory)
        #expect(throws: Never.self) { try JobLoader.load(path: path, kernels: KernelCatalog.builtIn) }
        // A stage's directory exists only at run time: its relative program is not looked for here.
        let stage = writeJobFile("stages:\n  - {name: a, command: [./made-by-the-stage.sh]}\n", named: "stage.yaml", in: directory)
        #expect(throws: Never.self) { try JobLoader.load(path: stage, kernels: KernelCatalog.builtIn) }
    }

    @Test func cwdStartingWithJobDirIsNotTakenTwice() throws {
        let directory = makeJobTestDirectory()
        try FileManager.default.createDirectory(atPath: directory + "/work", withIntermediateDirectories: true)
        let path = writeJobFile("task: {shell: pwd, cwd: \"{job_dir}/work\"}\n", in: directory)
        let workload = try sweep(at: path)
        let cwd = try #require(workload.sweep.task.workingDirectory)
        #expect(workload.expansion.render(cwd, at: 0) == directory + "/work")
        let relative = try sweep(at: writeJobFile("task: {shell: pwd, cwd: work}\n", named: "relative.yaml", in: directory))
        #expect(relative.expansion.render(try #require(relative.sweep.task.workingDirectory), at: 0) == directory + "/work")
    }

    @Test func stagesKeepTheirDirectoriesAndReachTheJobDirectory() async throws {
        let (directory, path) = jobBeside("""
            stages:
              - name: here
                shell: "echo $(pwd) {job_dir} $MPIBATCH_JOB_DIR"
                result: stdout-last-line
              - name: beside
                after: here
                command: [python3, "{job_dir}/tool.py", "4"]
                result: stdout-json
            """)
        guard case .stages(let graph) = try JobLoader.load(path: path, kernels: KernelCatalog.builtIn).body else {
            Issue.record("not a stage graph")
            return
        }
        let out = makeJobTestDirectory()
        let workload = try StageGraphWorkload(graph: graph, jobSeed: 0, kernels: KernelCatalog.builtIn, outputDirectory: out)
        let (summary, lines) = try await runInMemory(workload, ranks: 1)
        #expect(summary.tasksSucceeded == 2)
        let values = lines.sorted { ($0["index"] as? Int ?? 0) < ($1["index"] as? Int ?? 0) }.map { $0["value"] }
        #expect(values.first as? String == "\(out)/stages/here \(directory) \(directory)")
        #expect((values.last as? [String: Any])?["squared"] as? Int == 16)
    }

    @Test func taskFileLinesRunWhereMpibatchStarted() async throws {
        let directory = makeJobTestDirectory()
        let path = writeJobFile("pwd; echo $MPIBATCH_JOB_DIR\n", named: "tasks.txt", in: directory)
        let context = commandContext(0, directory + "/out")
        _ = try await sweep(at: path).run(context)
        #expect(try capturedOutput(context).stdout == "\(FileManager.default.currentDirectoryPath)\n\(directory)\n")
    }

    @Test func aMissingFileFailureNamesTheDirectoryAndCwd() async throws {
        let directory = makeJobTestDirectory()
        let path = writeJobFile("task: {command: [python3, missing.py]}\n", in: directory)
        let failure = await #expect(throws: CommandFailure.self) { try await sweep(at: path).run(commandContext(0, directory + "/out")) }
        let text = failure.map { "\($0)" } ?? ""
        #expect(text.contains("can't open file"))
        #expect(text.contains("(hint: the task ran in \(directory), where relative paths start; set cwd:"))
        #expect(text.contains("{job_dir}/NAME"))
        let other = writeJobFile("task: {shell: 'echo broken >&2; exit 1'}\n", named: "other.yaml", in: directory)
        let plain = await #expect(throws: CommandFailure.self) { try await sweep(at: other).run(commandContext(0, directory + "/out")) }
        #expect(plain.map { "\($0)" }?.contains("hint") == false)
        let lines = writeJobFile("cat nowhere.txt\n", named: "lines.txt", in: directory)
        let line = await #expect(throws: CommandFailure.self) { try await sweep(at: lines).run(commandContext(0, directory + "/out")) }
        #expect(line.map { "\($0)" }?.contains("where mpibatch was started; write $MPIBATCH_JOB_DIR/NAME") == true)
    }
}

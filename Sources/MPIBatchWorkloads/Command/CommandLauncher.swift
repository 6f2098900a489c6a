import Foundation
import MPIBatchCore
import MPIBatchJob
import MPIBatchJournal
import MPIBatchPlan
import MPIBatchRuntime
import Synchronization

/// Runs a sweep's `command:` or `shell:` task for one index: expands the
/// templates, spawns the process, captures its output into the rank's log (or,
/// with `logs: per-task`, files of its own under `<out>/logs/`), reports its exit
/// status and output's place to the worker, and captures the result.
struct CommandLauncher: Sendable {
    let spec: TaskSpec
    let expansion: TemplateExpansion
    /// The parent's environment minus the variables `env:` sets, the MPI
    /// launcher's (`LauncherVariables`) and the task's identity, plus
    /// `MPIBATCH_JOB_DIR` (the job file's directory), built once.
    private let baseEnvironment: CommandEnvironment
    /// `MPIBATCH_INDEX` and the rest, set per task.
    private let identity: TaskIdentity
    /// The shell of `shell:` tasks (`ShellProgram`).
    let shell: String
    /// The variables carrying a `shell:` body's values (`ShellScript`); none for a `command:`.
    private let shellVariables: [ShellScript.Variable]
    private let logDirectories = LogDirectories()
    /// What runs plain lines without bash; nil when none may (`DirectSpawn`).
    private let direct: DirectSpawn?
    /// The names `env:` and a `shell:` body set, which the GPU variables leave alone.
    private let overridden: Set<String>

    init(spec: TaskSpec, expansion: TemplateExpansion) {
        self.spec = spec
        self.expansion = expansion
        if case .shell(let script) = spec.action { shellVariables = script.variables } else { shellVariables = [] }
        let overridden = Set(spec.environment.map(\.name) + shellVariables.map(\.name))
        let identity = TaskIdentity(overridden: overridden, largestCores: spec.cores.largest)
        let usesGPUs = spec.resources.gpus > 0
        var inherited = ProcessInfo.processInfo.environment.filter {
            !overridden.contains($0.key) && LauncherVariables.passesToTasks($0.key) && !identity.replaces($0.key)
                && !(usesGPUs && GPUVariables.names.contains($0.key))
        }
        self.overridden = overridden
        if !overridden.contains(Self.jobDirectoryVariable) { inherited[Self.jobDirectoryVariable] = expansion.jobDirectory }
        baseEnvironment = CommandEnvironment(inherited.map { "\($0.key)=\($0.value)" })
        self.identity = identity
        shell = ShellProgram.path(for: spec.shellProgram)
        direct = DirectSpawn(spec: spec, shell: shell, inheriting: inherited)
    }

    /// The variable that gives every command task the job file's directory (`{job_dir}` in templates).
    static let jobDirectoryVariable = "MPIBATCH_JOB_DIR"

    /// The argv task `index` runs (for a shell task: `SHELL -c LINE`).
    func arguments(at index: Int) -> [String] { expansion.arguments(of: spec, shell: shell, at: index) }

    /// Runs task `context.index` once.
    func run(_ context: TaskContext) async throws -> TaskValue {
        let index = context.index
        let arguments = arguments(at: index)
        let program = arguments[0]
        let files = try perTaskFiles(context)
        let workingDirectory = spec.workingDirectory.map { expansion.render($0, at: index) }
        let environment =
            identity.variables(context, cores: spec.cores.count(at: index, in: expansion.space))
            + GPUVariables.variables(context.grant, overridden: overridden)
            + spec.environment.map { "\($0.name)=\(expansion.render($0.value, at: index))" }
            + expansion.environment(of: shellVariables, at: index)
        let process = CommandProcess(
            command: .init(program: program, arguments: arguments, inherited: baseEnvironment, environment: environment),
            direct: directCommand(at: index, environment: environment, workingDirectory: workingDirectory),
            workingDirectory: workingDirectory,
            output: files.map { .files(stdout: $0.stdout, stderr: $0.stderr) } ?? .captured(limit: spec.maxOutput),
            timeout: spec.timeout, memoryLimit: context.grant.flatMap { $0.memoryBytes > 0 ? $0.memoryBytes : nil }, cpus: context.cpus)
        let finished = try await process.run()
        let report = context.report ?? CommandReport(log: RankLog(runDirectory: context.outputDirectory, rank: context.rank))
        let output = CommandOutput(finished, report: report)
        switch finished.ending {
        case .timedOut:
            throw TaskTimeout(seconds: spec.timeout ?? 0)
        case .overMemory(let used, _, _):
            throw CommandFailure.overMemory(
                program: program, usedBytes: used, limitBytes: context.grant?.memoryBytes ?? 0, stderrTail: output.stderrTail())
        case .signaled(let signal):
            throw CommandFailure.signaled(program: program, signal: signal, stderrTail: output.stderrTail())
        case .exited(let status) where status != 0:
            let tail = output.stderrTail()
            throw CommandFailure.exited(
                program: program, status: status, stderrTail: tail,
                hint: MissingFileHint.text(stderrTail: tail, workingDirectory: workingDirectory))
        case .exited:
            return try capture(output, workingDirectory: workingDirectory, index: index, program: program)
        }
    }

    /// Task `index` without its shell, when it may run so (`DirectSpawn`).
    private func directCommand(at index: Int, environment: [String], workingDirectory: String?) -> CommandProcess.Command? {
        guard let direct, case .shell(let script) = spec.action,
            let launch = direct.launch(script, at: index, expansion: expansion, workingDirectory: workingDirectory)
        else { return nil }
        return .init(
            program: launch.program, arguments: launch.arguments, inherited: direct.inherited,
            environment: environment + launch.variables)
    }

    /// With `logs: per-task`, this attempt's files (the directory made if needed); nil otherwise.
    private func perTaskFiles(_ context: TaskContext) throws(CommandFailure) -> (stdout: String, stderr: String)? {
        guard spec.logs == .perTask else { return nil }
        let logs = try logDirectories.logs(in: context.outputDirectory)
        let stem = context.attempt == 1 ? "\(logs)/\(context.index)" : "\(logs)/\(context.index).\(context.attempt)"
        return (stem + ".out", stem + ".err")
    }

    /// The task's value according to `result:`.
    private func capture(_ output: CommandOutput, workingDirectory: String?, index: Int, program: String) throws(CommandFailure) -> TaskValue {
        switch spec.result {
        case .none:
            return .none
        case .stdoutJSON:
            let text = try output.stdoutText(program: program, limit: spec.maxOutput).trimmingCharacters(in: .whitespacesAndNewlines)
            guard Self.isJSON(text) else {
                throw .badResult(program: program, reason: "stdout is not one JSON document: \(text.prefix(200))")
            }
            return .json(text)
        case .stdoutLastLine:
            switch output.stdoutLastLine() {
            case .success(let line): return .text(line)
            case .failure(.unreadable): throw .badResult(program: program, reason: "cannot read its stdout")
            case .failure(.tooLong): throw .badResult(program: program, reason: "the last line of stdout is longer than \(LastLine.maximumBytes) bytes")
            }
        case .file(let pattern):
            var path = expansion.render(pattern, at: index)
            if !path.hasPrefix("/") {
                path = ((workingDirectory ?? FileManager.default.currentDirectoryPath) as NSString).appendingPathComponent(path)
            }
            let text = try Self.read(path, limit: spec.maxOutput, program: program)
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return Self.isJSON(trimmed) ? .json(trimmed) : .text(text)
        }
    }

    /// The text of the file at `path`, which must hold at most `limit` bytes (`max_output:`):
    /// a larger one fails the task after `limit` + 1 bytes were read, so a result never takes
    /// more memory, or room on its journal line, than the task's output may.
    static func read(_ path: String, limit: Int, program: String) throws(CommandFailure) -> String {
        guard let handle = FileHandle(forReadingAtPath: path), let data = try? handle.read(upToCount: limit + 1) ?? Data() else {
            throw .badResult(program: program, reason: "cannot read \(path)")
        }
        try? handle.close()
        guard data.count <= limit else {
            throw .badResult(program: program, reason: "\(path) is larger than max_output: (\(limit) bytes)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static func isJSON(_ text: String) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)) != nil
    }
}

/// Creates `<out>/logs` once per output directory.
private final class LogDirectories: Sendable {
    private let created = Mutex<Set<String>>([])

    /// `<outputDirectory>/logs`, created if this process has not done so yet.
    func logs(in outputDirectory: String) throws(CommandFailure) -> String {
        let path = outputDirectory + "/logs"
        try created.withLock { (created) throws(CommandFailure) in
            guard !created.contains(path) else { return }
            do {
                try OutputFile.makeDirectory(path, runsOwn: 1)
            } catch {
                throw .logs(path: path, reason: "\(error)")
            }
            created.insert(path)
        }
        return path
    }
}

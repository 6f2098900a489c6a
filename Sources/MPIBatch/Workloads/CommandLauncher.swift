import Foundation
import Synchronization

/// Runs a sweep's `command:` or `shell:` task for one index: expands the
/// templates, spawns the process with its logs under `<out>/logs/`, and
/// captures the result.
struct CommandLauncher: Sendable {
    let spec: TaskSpec
    let expansion: TemplateExpansion
    /// The parent's environment minus the variables `env:` sets, the MPI
    /// launcher's (`LauncherVariables`) and the task's identity, built once.
    private let baseEnvironment: CommandEnvironment
    /// `MPIBATCH_INDEX` and the rest, set per task.
    private let identity: TaskIdentity
    /// The shell of `shell:` tasks (`ShellProgram`).
    let shell: String
    private let logDirectories = LogDirectories()

    init(spec: TaskSpec, expansion: TemplateExpansion) {
        self.spec = spec
        self.expansion = expansion
        let overridden = Set(spec.environment.map(\.name))
        let identity = TaskIdentity(overridden: overridden, largestCores: spec.cores.largest)
        baseEnvironment = CommandEnvironment(
            ProcessInfo.processInfo.environment
                .filter { !overridden.contains($0.key) && !LauncherVariables.identifiesRank($0.key) && !identity.replaces($0.key) }
                .map { "\($0.key)=\($0.value)" })
        self.identity = identity
        shell = ShellProgram.path(for: spec.shellProgram)
    }

    /// The argv task `index` runs (for a shell task: `SHELL -c LINE`).
    func arguments(at index: Int) -> [String] {
        switch spec.action {
        case .command(let argv): argv.map { expansion.render($0, at: index) }
        case .shell(let line, let quoteValues): [shell, "-c", expansion.render(line, at: index, shellQuoted: quoteValues)]
        case .kernel: []
        }
    }

    /// Runs task `context.index` once.
    func run(_ context: TaskContext) async throws -> TaskValue {
        let index = context.index
        let arguments = arguments(at: index)
        let logs = try logDirectories.logs(in: context.outputDirectory)
        let stem = context.attempt == 1 ? "\(logs)/\(index)" : "\(logs)/\(index).\(context.attempt)"
        let workingDirectory = spec.workingDirectory.map { expansion.render($0, at: index) }
        let process = CommandProcess(
            program: arguments[0], arguments: arguments,
            inherited: baseEnvironment,
            environment: identity.variables(context, cores: spec.cores.count(at: index, in: expansion.space))
                + spec.environment.map { "\($0.name)=\(expansion.render($0.value, at: index))" },
            workingDirectory: workingDirectory, stdoutPath: stem + ".out", stderrPath: stem + ".err",
            timeout: spec.timeout)
        switch try await process.run() {
        case .timedOut:
            throw TaskTimeout(seconds: spec.timeout ?? 0)
        case .signaled(let signal):
            throw CommandFailure.signaled(program: arguments[0], signal: signal, stderrTail: Self.tail(of: stem + ".err"))
        case .exited(let status) where status != 0:
            throw CommandFailure.exited(program: arguments[0], status: status, stderrTail: Self.tail(of: stem + ".err"))
        case .exited:
            return try capture(stdoutPath: stem + ".out", workingDirectory: workingDirectory, index: index, program: arguments[0])
        }
    }

    /// The task's value according to `result:`.
    private func capture(stdoutPath: String, workingDirectory: String?, index: Int, program: String) throws(CommandFailure) -> TaskValue {
        switch spec.result {
        case .none:
            return .none
        case .stdoutJSON:
            let text = try read(stdoutPath, program: program).trimmingCharacters(in: .whitespacesAndNewlines)
            guard Self.isJSON(text) else {
                throw .badResult(program: program, reason: "stdout is not one JSON document: \(text.prefix(200))")
            }
            return .json(text)
        case .stdoutLastLine:
            switch LastLine.read(path: stdoutPath) {
            case .success(let line): return .text(line)
            case .failure(.unreadable): throw .badResult(program: program, reason: "cannot read \(stdoutPath)")
            case .failure(.tooLong): throw .badResult(program: program, reason: "the last line of stdout is longer than \(LastLine.maximumBytes) bytes")
            }
        case .file(let pattern):
            var path = expansion.render(pattern, at: index)
            if !path.hasPrefix("/") {
                path = ((workingDirectory ?? FileManager.default.currentDirectoryPath) as NSString).appendingPathComponent(path)
            }
            let text = try read(path, program: program)
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return Self.isJSON(trimmed) ? .json(trimmed) : .text(text)
        }
    }

    private func read(_ path: String, program: String) throws(CommandFailure) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .badResult(program: program, reason: "cannot read \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static func isJSON(_ text: String) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed)) != nil
    }

    /// The last KiB of a stderr log, trimmed.
    static func tail(of path: String, bytes: Int = 1024) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > UInt64(bytes) ? size - UInt64(bytes) : 0)
        let data = (try? handle.readToEnd()) ?? Data()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
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
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw .logs(path: path, reason: error.localizedDescription)
            }
            created.insert(path)
        }
        return path
    }
}

import Foundation
import MPIBatchCore
import Yams

/// Reads the `task:` section into a `TaskSpec`, parsing every template against the sweep's names.
struct TaskParser {
    let reader: NodeReader
    let scope: TemplateScope
    /// The sweep's index space, whose parameter `cores: "{name}"` may name.
    let space: IndexSpace
    let kernels: any KernelLookup
    /// The job file's directory, against which a relative `cwd:` is resolved.
    let jobDirectory: String
    /// Where a task without `cwd:` runs: the job file's directory for a job's `task:`; nil for
    /// a stage's, which runs in the stage's own directory (made at run time).
    let defaultWorkingDirectory: String?
    /// The job's `limits:`, which `uses:` names.
    var limits: NamedLimits = .none
    /// Whether `priority:` may name a parameter (a sweep's); a stage's is a number.
    var priorityMayNameParameters = true

    /// The keys of a task (also allowed inline in a stage).
    static let keys = [
        "command", "shell", "kernel", "args", "cwd", "env", "timeout", "retries", "result", "cores", "shell_program",
        "logs", "max_output", "uses", "priority", "gpus", "memory",
    ] + workerKeys

    /// The task spec; problems are appended to `errors` and give nil.
    func parse(_ node: Node, errors: inout [JobFileError]) -> TaskSpec? {
        let errorCount = errors.count
        guard let list = reader.mapping(node, "task", allowed: Self.keys, errors: &errors) else { return nil }
        let entries: [String: (keyNode: Node, value: Node)] = Dictionary(
            list.map { ($0.key, ($0.keyNode, $0.value)) }, uniquingKeysWith: { first, _ in first })
        func field<T>(_ key: String, _ read: (Node) throws(JobFileError) -> T) -> T? {
            errors.collecting { () throws(JobFileError) in try entries[key].map { (entry) throws(JobFileError) in try read(entry.value) } }
        }
        let workingDirectory = entries["cwd"] == nil ? defaultWorkingDirectory.map(Template.init(literal:)) : field("cwd", directory)
        var spec = TaskSpec(action: .command([]))
        if let action = action(entries, in: node, workingDirectory: workingDirectory, errors: &errors) { spec.action = action }
        spec.workingDirectory = workingDirectory
        spec.environment = field("env", environment) ?? []
        if case .shell(let script) = spec.action, let env = entries["env"],
            let clash = spec.environment.first(where: { variable in script.variables.contains { $0.name == variable.name } })
        {
            errors.append(reader.error(at: env.value, "env '\(clash.name)' is the variable that carries a placeholder's value into shell:; name it otherwise"))
        }
        spec.timeout = field("timeout", timeout)
        spec.retries = field("retries", retries) ?? 0
        spec.result = field("result") { (node) throws(JobFileError) in try result(node, action: spec.action) } ?? .none
        spec.cores = field("cores", cores) ?? .one
        spec.uses = field("uses") { (node) throws(JobFileError) in try LimitsParser(reader: reader).uses(node, limits: limits) } ?? .none
        spec.priority = field("priority", priority) ?? .none
        spec.resources = errors.collecting { () throws(JobFileError) in try resources(entries, action: spec.action) } ?? .none
        spec.shellProgram = field("shell_program") { (node) throws(JobFileError) in try shellProgram(node, action: spec.action) }
        spec.logs = field("logs") { (node) throws(JobFileError) in try logMode(node, action: spec.action) } ?? .rankFiles
        if let options = errors.collecting({ () throws(JobFileError) in try workerOptions(entries, action: spec.action) }) {
            spec.action = options
        }
        spec.maxOutput = field("max_output") { (node) throws(JobFileError) in try maxOutput(node, action: spec.action) }
            ?? TaskSpec.defaultMaxOutput
        return errors.count == errorCount ? spec : nil
    }

    func template(_ node: Node, _ what: String) throws(JobFileError) -> Template {
        let text = try reader.string(node, what)
        do {
            return try Template(parsing: text, scope: scope)
        } catch {
            throw reader.error(at: node, offset: error.offset, error.message)
        }
    }

    /// A `shell:` body: its placeholders checked as templates, then placed as variable expansions.
    private func shellScript(_ node: Node) throws(JobFileError) -> ShellScript {
        let parsed = try template(node, "shell")
        do {
            return try ShellScript(compiling: parsed.source, scope: scope) { reference in
                switch reference {
                case .index, .seed: true
                case .parameter(let number): space.parameters[number].column.integerBounds != nil
                case .stageValue, .jobDirectory: false
                }
            }
        } catch {
            throw reader.error(at: node, offset: error.offset, error.message)
        }
    }

    /// What the task runs; every problem found goes to `errors` (each bad argument of a
    /// `command:` or of `args:`, not only the first) and gives nil.
    private func action(
        _ entries: [String: (keyNode: Node, value: Node)], in node: Node, workingDirectory: Template?,
        errors: inout [JobFileError]
    ) -> TaskSpec.Action? {
        var listed: [JobFileError] = []
        var thrown: [JobFileError] = []
        let action = thrown.collecting { () throws(JobFileError) in
            try readAction(entries, in: node, workingDirectory: workingDirectory, problems: &listed)
        }
        errors += listed + thrown
        return listed.isEmpty && thrown.isEmpty ? action : nil
    }

    /// See `action(_:in:workingDirectory:errors:)`: the first problem is thrown, those found
    /// while reading a list go to `problems`.
    private func readAction(
        _ entries: [String: (keyNode: Node, value: Node)], in node: Node, workingDirectory: Template?,
        problems: inout [JobFileError]
    ) throws(JobFileError) -> TaskSpec.Action {
        let given = ["command", "shell", "kernel", "python", "worker"].filter { entries[$0] != nil }
        guard given.count == 1, let kind = given.first, let entry = entries[kind] else {
            let culprit = given.dropFirst().first.flatMap { entries[$0]?.keyNode } ?? node
            throw reader.error(at: culprit, "task needs exactly one of command, shell, kernel, python, worker (found \(given.isEmpty ? "none" : given.joined(separator: ", ")))")
        }
        if !["kernel", "python", "worker"].contains(kind), let args = entries["args"] {
            throw reader.error(at: args.keyNode, "args: belongs to kernel, python and worker tasks; put arguments in \(kind):")
        }
        switch kind {
        case "command":
            guard entry.value.sequence != nil else {
                throw reader.error(at: entry.value, "command must be a list (argv, no shell); use shell: for a command line")
            }
            let items = try reader.sequence(entry.value, "command")
            guard let program = items.first else { throw reader.error(at: entry.value, "command is empty") }
            let argv = items.compactMap { item in
                problems.collecting { () throws(JobFileError) in try template(item, "a command argument") }
            }
            guard argv.count == items.count else { return .command([]) }
            try checkProgram(argv[0], at: program, workingDirectory: workingDirectory)
            return .command(argv)
        case "shell":
            return .shell(try shellScript(entry.value))
        case "python", "worker":
            return try workerAction(kind, entry.value, workingDirectory: workingDirectory)
        default:
            let name = try reader.string(entry.value, "kernel")
            guard kernels.taskKernelNames.contains(name) else {
                throw reader.error(at: entry.value, "unknown kernel '\(name)'" + DidYouMean.suffix(for: name, among: kernels.taskKernelNames))
            }
            guard let args = entries["args"] else { return .kernel(name: name, arguments: []) }
            return .kernel(name: name, arguments: try arguments(args.value, of: name, problems: &problems))
        }
    }

    /// A program given by path must exist and be executable, relative to the task's directory
    /// (unless that is a stage's own directory, which exists only once the run has started).
    func checkProgram(_ program: Template, at node: Node, workingDirectory: Template?) throws(JobFileError) {
        guard program.isConstant, program.source.contains("/") else { return }
        var path = program.source
        if !path.hasPrefix("/") {
            guard let directory = workingDirectory, directory.isConstant else { return }
            path = (directory.source as NSString).appendingPathComponent(path)
        }
        guard FileManager.default.isExecutableFile(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "is not executable" : "does not exist"
            throw reader.error(at: node, "program '\(program.source)' \(reason) (looked at \(path))")
        }
    }

    /// `args:` of kernel `kernel` (each must be one the kernel declares, when it declares them),
    /// or of a `python:` or `worker:` task (`kernel` nil: any names, the function's keywords).
    func arguments(
        _ node: Node, of kernel: String?, problems: inout [JobFileError]
    ) throws(JobFileError) -> [TaskSpec.KernelArgument] {
        let known = kernel.flatMap { kernels.taskKernelArgumentNames(of: $0) }
        var arguments: [TaskSpec.KernelArgument] = []
        for entry in try reader.mapping(node, "args") {
            let argument = problems.collecting { () throws(JobFileError) -> TaskSpec.KernelArgument in
                if let known, !known.contains(entry.key) {
                    let takes = known.isEmpty ? "it takes no arguments" : "it takes " + known.joined(separator: ", ")
                    throw reader.error(
                        at: entry.keyNode,
                        "kernel '\(kernel ?? "")' has no argument '\(entry.key)' (\(takes))" + DidYouMean.suffix(for: entry.key, among: known))
                }
                let value = try reader.parameterValue(entry.value, "kernel argument '\(entry.key)'")
                let parsed = try template(entry.value, "kernel argument '\(entry.key)'")
                return .init(name: entry.key, value: parsed.isConstant ? .constant(value) : .template(parsed))
            }
            if let argument { arguments.append(argument) }
        }
        return arguments
    }

    /// `cwd:`, taken from the job file's directory unless it is absolute or starts with `{job_dir}`.
    private func directory(_ node: Node) throws(JobFileError) -> Template {
        let parsed = try template(node, "cwd")
        let isAbsolute = parsed.source.hasPrefix("/") || parsed.segments.first == .reference(.jobDirectory)
        return isAbsolute ? parsed : parsed.prefixed(with: jobDirectory + "/")
    }

    private func environment(_ node: Node) throws(JobFileError) -> [(name: String, value: Template)] {
        var variables: [(name: String, value: Template)] = []
        for entry in try reader.mapping(node, "env") {
            guard !entry.key.isEmpty, !entry.key.contains("=") else {
                throw reader.error(at: entry.keyNode, "environment variable name '\(entry.key)' is not valid")
            }
            variables.append((entry.key, try template(entry.value, "env '\(entry.key)'")))
        }
        return variables
    }

    /// `cores: 4`, or `cores: "{threads}"` naming a parameter whose every value is a whole number ≥ 1.
    private func cores(_ node: Node) throws(JobFileError) -> TaskCores {
        let place = reader.place(of: node)
        if let scalar = node.scalar, scalar.style == .plain, let count = Int(scalar.string) {
            guard count >= 1 else { throw reader.error(at: node, "cores must be at least 1, not \(count)") }
            return TaskCores(source: .fixed(count), largest: count, place: place)
        }
        let parsed = try template(node, "cores")
        guard case .parameter(let number)? = parsed.singleReference else {
            throw reader.error(at: node, "cores must be a whole number such as 4, or one parameter such as \"{threads}\", not '\(parsed.source)'")
        }
        let parameter = space.parameters[number]
        guard let bounds = parameter.column.integerBounds, bounds.lowerBound >= 1 else {
            throw reader.error(at: node, "cores: parameter '\(parameter.name)' must have whole numbers ≥ 1 only (\(parameter.column.summary))")
        }
        return TaskCores(source: .parameter(number), largest: bounds.upperBound, place: place)
    }

    /// `shell_program: bash`: a program name (looked up in PATH) or path, for `shell:` tasks.
    private func shellProgram(_ node: Node, action: TaskSpec.Action) throws(JobFileError) -> String {
        guard case .shell = action else {
            throw reader.error(at: node, "shell_program: applies to shell: tasks (a command: runs without a shell)")
        }
        let program = try reader.string(node, "shell_program")
        guard ShellProgram.locate(program) != nil else {
            throw reader.error(at: node, "shell_program '\(program)' is not an executable file\(program.contains("/") ? "" : " in PATH")")
        }
        return program
    }

    private func timeout(_ node: Node) throws(JobFileError) -> Double {
        let text = try reader.string(node, "timeout")
        guard let seconds = DurationParser.seconds(text) else {
            throw reader.error(at: node, "timeout '\(text)' is not a positive duration such as 60s, 500ms, 2m")
        }
        return seconds
    }

    private func retries(_ node: Node) throws(JobFileError) -> Int {
        let count = try reader.integer(node, "retries")
        guard count >= 0 else { throw reader.error(at: node, "retries must be 0 or more, not \(count)") }
        return count
    }

    private func result(_ node: Node, action: TaskSpec.Action) throws(JobFileError) -> TaskSpec.ResultCapture {
        let text = try reader.string(node, "result")
        if case .kernel = action, text != "none" {
            throw reader.error(at: node, "result: applies to command and shell tasks; a kernel returns its own value")
        }
        if case .worker = action, text != "none" {
            throw reader.error(at: node, "result: applies to command and shell tasks; a worker's function returns its own value")
        }
        switch text {
        case "none": return .none
        case "stdout-json": return .stdoutJSON
        case "stdout-last-line": return .stdoutLastLine
        case _ where text.hasPrefix("file:"):
            let pattern = String(text.dropFirst(5))
            do {
                return .file(try Template(parsing: pattern, scope: scope))
            } catch {
                throw reader.error(at: node, offset: error.offset + 5, error.message)
            }
        default:
            throw reader.error(
                at: node,
                "result '\(text)' is not one of none, stdout-json, stdout-last-line, file:PATTERN"
                    + DidYouMean.suffix(for: text, among: ["none", "stdout-json", "stdout-last-line"]))
        }
    }
}

import Foundation
import MPIBatchCore
import Synchronization
import Yams

/// The task keys of persistent workers: `python:`, `worker:`, `python_program:`, `startup_timeout:`.
extension TaskParser {
    /// Keys that only `python:` and `worker:` tasks take, besides the actions themselves.
    static let workerKeys = ["python", "worker", "python_program", "startup_timeout"]

    /// `python: "module:function"` or `worker: {command: [...]}` (`kind` says which).
    func workerAction(_ kind: String, _ node: Node, workingDirectory: Template?) throws(JobFileError) -> TaskSpec.Action {
        if kind == "python" {
            let text = try reader.string(node, "python")
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, parts[0].split(separator: ".", omittingEmptySubsequences: false).allSatisfy(Self.isIdentifier),
                Self.isIdentifier(Substring(parts[1]))
            else {
                throw reader.error(at: node, "python must be \"module:function\" such as \"model:price\", not '\(text)'")
            }
            return .worker(WorkerSpec(program: .python(module: parts[0], function: parts[1], interpreter: "python3"), jobDirectory: jobDirectory))
        }
        let entries = try reader.mapping(node, "worker", allowed: ["command"])
        guard let command = entries.first(where: { $0.key == "command" }) else {
            throw reader.error(at: node, "worker needs command: [program, arguments...]")
        }
        guard command.value.sequence != nil else {
            throw reader.error(at: command.value, "worker command must be a list (argv, no shell)")
        }
        let items = try reader.sequence(command.value, "worker command")
        guard let program = items.first else { throw reader.error(at: command.value, "worker command is empty") }
        var argv: [Template] = []
        for item in items { argv.append(try template(item, "a worker command argument")) }
        try checkProgram(argv[0], at: program, workingDirectory: workingDirectory)
        return .worker(WorkerSpec(program: .command(argv), jobDirectory: jobDirectory))
    }

    /// `action` with `python_program:` and `startup_timeout:` applied; for `python:`, the
    /// interpreter and the module are checked now (a missing module file is bad input).
    func workerOptions(_ entries: [String: (keyNode: Node, value: Node)], action: TaskSpec.Action) throws(JobFileError) -> TaskSpec.Action {
        guard case .worker(var worker) = action else {
            for key in ["python_program", "startup_timeout"] {
                if let entry = entries[key] { throw reader.error(at: entry.keyNode, "\(key): applies to python: and worker: tasks") }
            }
            return action
        }
        if let node = entries["args"]?.value {
            var problems: [JobFileError] = []
            worker.arguments = try arguments(node, of: nil, problems: &problems)
            if let problem = problems.first { throw problem }
        }
        if let node = entries["startup_timeout"]?.value {
            let text = try reader.string(node, "startup_timeout")
            guard let seconds = DurationParser.seconds(text) else {
                throw reader.error(at: node, "startup_timeout '\(text)' is not a positive duration such as 60s, 500ms, 2m")
            }
            worker.startupTimeout = seconds
        }
        guard case .python(let module, let function, var interpreter) = worker.program, let moduleNode = entries["python"]?.value else {
            if let entry = entries["python_program"] { throw reader.error(at: entry.keyNode, "python_program: applies to python: tasks") }
            return .worker(worker)
        }
        if let node = entries["python_program"]?.value {
            interpreter = try reader.string(node, "python_program")
            guard ShellProgram.locate(interpreter) != nil else {
                throw reader.error(at: node, "python_program '\(interpreter)' is not an executable file\(interpreter.contains("/") ? "" : " in PATH")")
            }
        } else if ShellProgram.locate(interpreter) == nil {
            throw reader.error(at: moduleNode, "python: needs python3 in PATH (or python_program: naming an interpreter)")
        }
        try checkModule(module, interpreter: interpreter, at: moduleNode)
        worker.program = .python(module: module, function: function, interpreter: interpreter)
        return .worker(worker)
    }

    /// The module's top-level name must be a file or package beside the job file or on
    /// `PYTHONPATH`, or something the interpreter can import (an installed package), unless
    /// mpibatch ships it (`WorkerSpec.shippedModules`).
    private func checkModule(_ module: String, interpreter: String, at node: Node) throws(JobFileError) {
        guard !WorkerSpec.shippedModules.contains(module) else { return }
        let top = String(module.prefix { $0 != "." })
        let directories = [jobDirectory] + (ProcessInfo.processInfo.environment["PYTHONPATH"] ?? "").split(separator: ":").map(String.init)
        let manager = FileManager.default
        for directory in directories where !directory.isEmpty {
            let base = directory + "/" + top
            if manager.fileExists(atPath: base + ".py") || manager.fileExists(atPath: base + "/__init__.py") { return }
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: base, isDirectory: &isDirectory), isDirectory.boolValue { return }
        }
        guard PythonProbe.cannotImport(top, interpreter: interpreter) else { return }
        throw reader.error(
            at: node, "python module '\(top)' not found: no \(top).py beside the job file (\(jobDirectory)) or on PYTHONPATH, and \(interpreter) cannot import it")
    }

    /// A Python identifier: a letter or `_`, then letters, digits or `_`.
    static func isIdentifier(_ text: Substring) -> Bool {
        guard let first = text.first, first == "_" || first.isLetter else { return false }
        return text.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
    }
}

/// Asks a Python interpreter about itself: whether it can find a module (an installed
/// package the job file's directory does not hold), and what it is.
package enum PythonProbe {
    /// True only when `interpreter` ran and said it cannot find `module`; any other outcome
    /// leaves the question to the worker's start-up.
    static func cannotImport(_ module: String, interpreter: String) -> Bool {
        let script = "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec(sys.argv[1]) else 3)"
        return run(interpreter, [script, module])?.status == 3
    }

    /// `CPython 3.12.3 /usr/bin/python3`; nil when the interpreter does not run. Asked once per
    /// interpreter and process: every stage of an imported dbt job names the same one, and a
    /// Python start is a tenth of a second or more on a loaded machine.
    package static func describe(_ interpreter: String) -> String? {
        if let known = described.withLock({ $0[interpreter] }) { return known }
        let script = "import platform, sys; print(platform.python_implementation(), platform.python_version(), sys.executable)"
        var answer: String?
        if let (status, output) = run(interpreter, [script]), status == 0 { answer = output.trimmingCharacters(in: .whitespacesAndNewlines) }
        described.withLock { $0[interpreter] = answer }
        return answer
    }

    /// `describe`'s answers so far, by interpreter.
    private static let described = Mutex<[String: String?]>([:])

    /// What `module.function(**arguments)` returns as a float, `module` found in `directory`
    /// first (a Monte Carlo model's `reference:`); nil when it cannot be had.
    package static func number(module: String, function: String, arguments: String, directory: String, interpreter: String) -> Double? {
        let script = "import importlib, json, sys; sys.path.insert(0, sys.argv[1]); "
            + "print(repr(float(getattr(importlib.import_module(sys.argv[2]), sys.argv[3])(**json.loads(sys.argv[4])))))"
        guard let (status, output) = run(interpreter, [script, directory, module, function, arguments]), status == 0 else { return nil }
        return Double(output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private static func run(_ interpreter: String, _ arguments: [String]) -> (status: Int32, output: String)? {
        guard let path = ShellProgram.locate(interpreter) else { return nil }
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-c"] + arguments
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit else { return nil }
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

import Foundation
import MPIBatchCore
import MPIBatchJob
import MPIBatchPlan
import Synchronization

/// Runs the lines of a `shell:` body or a task file that are plain commands
/// (`PlainCommand`) by `posix_spawn`, without bash, when that means the same: bash is the
/// task's shell (no `shell_program:` or `#MPIBATCH shell=`), the environment is one whose
/// handling by bash `BashStartup` reproduces, and the first word is found as bash would
/// find it (`CommandSearch`), and bash itself, asked once (`BashProbe`), passes the
/// environment on as predicted. The program gets the argv and the environment bash would
/// have given it; any other line runs in bash as before. A program that then fails to
/// start (it vanished, has no `#!` line, a missing interpreter) is run by bash after all,
/// which reports it exactly as it always did.
///
/// `MPIBATCH_DIRECT_SPAWN=0` in mpibatch's environment turns it off: every line runs in bash.
final class DirectSpawn: Sendable {
    /// The environment variable that turns direct spawning off (`0`).
    static let switchVariable = "MPIBATCH_DIRECT_SPAWN"

    /// A task's program, its argv and the variables bash would have added (`PWD`, `_`).
    struct Launch: Sendable {
        var program: String
        var arguments: [String]
        var variables: [String]
    }

    /// The inherited environment as bash passes it on.
    let inherited: CommandEnvironment
    private let startup: BashStartup
    private let search: CommandSearch
    private let plain: ShellScript.Plain
    /// `PWD` for each task directory met (nil: the rank's own), at most `CommandSearch.capacity`.
    private let directories = Mutex<[String?: String]>([:])

    /// The direct spawner of `spec`'s lines, or nil when they all run in bash.
    ///
    /// - Parameters:
    ///   - shell: the shell the lines would run in.
    ///   - variables: the environment every task inherits (`env:` and the task's identity excluded).
    init?(spec: TaskSpec, shell: String, inheriting variables: [String: String]) {
        guard ProcessInfo.processInfo.environment[Self.switchVariable] != "0", case .shell(let script) = spec.action,
            let plain = script.plain, spec.shellProgram == nil, ShellProgram.standard.note == nil,
            shell == ShellProgram.standard.path,
            !spec.environment.contains(where: { BashStartup.isRefused($0.name) || BashStartup.reproduced.contains($0.name) }),
            let startup = BashStartup(variables)
        else { return nil }
        let search = CommandSearch(path: startup.searchPath)
        guard Self.bashAgrees(shell: shell, variables: variables, startup: startup, search: search) else { return nil }
        self.plain = plain
        self.startup = startup
        self.search = search
        inherited = CommandEnvironment(startup.inherited)
    }

    /// Whether `shell -c 'env -0'` gives `env` the environment `startup` predicts (`BashProbe`),
    /// asked once per distinct environment in this process.
    private static func bashAgrees(shell: String, variables: [String: String], startup: BashStartup, search: CommandSearch) -> Bool {
        let given = variables.map { "\($0.key)=\($0.value)" }
        let key = given.sorted().joined(separator: "\0")
        if let known = probed.withLock({ $0[key] }) { return known }
        var agrees = false
        if let env = search.path(of: "env"), let directory = startup.workingDirectoryVariable(in: nil) {
            agrees = BashProbe.environment(shell: shell, variables: given) == Set(startup.inherited + ["PWD=" + directory, "_=" + env])
        }
        probed.withLock { $0[key] = agrees }
        return agrees
    }

    /// `bashAgrees`' answers, by environment.
    private static let probed = Mutex<[String: Bool]>([:])

    /// How task `index` runs without a shell in `workingDirectory`, or nil when it needs one.
    func launch(_ script: ShellScript, at index: Int, expansion: TemplateExpansion, workingDirectory: String?) -> Launch? {
        let program: PlainCommand.Program
        let arguments: [String]
        switch plain {
        case .words(let words):
            program = words.program
            arguments = words.arguments.map { expansion.render($0, at: index) }
        case .eachLine:
            guard let line = PlainCommand.parse(expansion.render(script.line, at: index)) else { return nil }
            (program, arguments) = line
        }
        let path: String?
        switch program {
        case .search(let word): path = search.path(of: word)
        case .path(let given): path = given
        case .standardUtility(let name): path = Self.standardUtilities[name] ?? nil
        }
        guard let path, let directory = directoryVariable(in: workingDirectory) else { return nil }
        return Launch(program: path, arguments: arguments, variables: ["PWD=" + directory, "_=" + path])
    }

    /// `PWD` as bash would set it in `workingDirectory`, found once per directory.
    private func directoryVariable(in workingDirectory: String?) -> String? {
        if let known = directories.withLock({ $0[workingDirectory] }) { return known }
        guard let value = startup.workingDirectoryVariable(in: workingDirectory) else { return nil }
        directories.withLock { directories in
            if directories.count >= CommandSearch.capacity { directories.removeAll() }
            directories[workingDirectory] = value
        }
        return value
    }

    /// `true` and `false` in `/usr/bin` or `/bin`, where found executable.
    private static let standardUtilities: [String: String?] = Dictionary(
        uniqueKeysWithValues: PlainCommand.standardUtilities.map { name in
            (name, ["/usr/bin/", "/bin/"].map { $0 + name }.first(where: CommandSearch.isExecutable))
        })
}

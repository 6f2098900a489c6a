import ArgumentParser
import Foundation
import MPIBatch

/// `mpibatch logs DIR INDEX` / `mpibatch logs DIR --failed`: captured command output.
struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print a command task's captured stdout and stderr, or the failed tasks' stderr.",
        discussion: """
            With INDEX: the task's final attempt (its ok attempt if it has one, else its last), or \
            --attempt A; its stdout goes to stdout and its stderr to stderr, so each can be \
            redirected on its own. --stdout or --stderr prints one of them alone, to stdout.

            With --failed: for every task whose final attempt failed or timed out, in index order, \
            a header line '== task INDEX: REASON (attempt A, rank R) ==' and its stderr, to stdout.

            An index the journal does not have, or a task without captured output (a kernel), exits 2.
            """)

    @Argument(help: "A run's output directory.")
    var directory: String

    @Argument(help: "The task's index.")
    var index: Int?

    @Option(help: "Which attempt of the task (default: its final one).")
    var attempt: Int?

    @Flag(help: "Print only the task's stdout.")
    var stdout = false

    @Flag(help: "Print only the task's stderr (to stdout).")
    var stderr = false

    @Flag(help: "Print every failed task's header line and stderr.")
    var failed = false

    func validate() throws {
        guard (index == nil) != !failed else { throw ValidationError("give a task INDEX or --failed (one of them)") }
        if stdout && stderr { throw ValidationError("--stdout and --stderr exclude each other; give neither for both") }
        if failed && (stdout || stderr || attempt != nil) { throw ValidationError("--failed takes no --stdout, --stderr or --attempt") }
        if let index, index < 0 { throw ValidationError("INDEX must be 0 or more, not \(index)") }
    }

    func run() async throws {
        do {
            if failed {
                try TaskLogs.forEachFailure(directory: directory) { (task) throws(RunFileError) in
                    FileHandle.standardOutput.write(Data("== task \(task.index): \(task.reason) (attempt \(task.attempt), rank \(task.rank)) ==\n".utf8))
                    guard task.log != nil else { return }
                    try TaskLogs.copy(.err, of: task, directory: directory, to: .standardOutput)
                }
                return
            }
            let task = try TaskLogs.attempt(directory: directory, index: index ?? 0, attempt: attempt)
            if stderr {
                try TaskLogs.copy(.err, of: task, directory: directory, to: .standardOutput)
            } else {
                try TaskLogs.copy(.out, of: task, directory: directory, to: .standardOutput)
                if !stdout { try TaskLogs.copy(.err, of: task, directory: directory, to: .standardError) }
            }
        } catch {
            Diagnostics.say("\(error)")
            throw ExitCode(2)
        }
    }
}

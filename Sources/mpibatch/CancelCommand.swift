import ArgumentParser
import Foundation
import MPIBatch

/// `mpibatch cancel DIR INDEX...`: cancels single tasks of a running run from another shell.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel tasks of a running run: journaled cancelled, no retry consumed, not rerun by --resume.",
        discussion: """
            A task running or in a rank's hand is cancelled there (a command's process group is \
            killed); one not started yet never starts. `run --resume --retry-cancelled` runs them \
            again. Exit status 0 answered; 1 no answer within --timeout; 2 no live run in DIR, an \
            index out of range or already run (the others are still cancelled).
            """)

    @Argument(help: "A running run's output directory.")
    var directory: String

    @Argument(help: "Task indices to cancel.")
    var indices: [Int]

    @Option(help: "Seconds to wait for the run's answer.")
    var timeout: Double = 10

    func validate() throws {
        guard !indices.isEmpty else { throw ValidationError("name at least one task index") }
        if let negative = indices.first(where: { $0 < 0 }) { throw ValidationError("task index \(negative): indices start at 0") }
        try RunControlCommand.validate(timeout: timeout)
    }

    func run() async throws {
        try RunControlCommand.send(ControlRequest(.cancel(indices)), to: directory, timeoutSeconds: timeout)
    }
}

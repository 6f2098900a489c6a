import ArgumentParser
import Foundation
import MPIBatch

/// `mpibatch cancel DIR INDEX... | --stage NAME`: cancels tasks, or a stage, of a running run
/// from another shell.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel tasks or a stage of a running run: journaled cancelled, no retry consumed, not rerun by --resume.",
        discussion: """
            A task running or in a rank's hand is cancelled there (a command's process group is \
            killed); one not started yet never starts. --stage NAME cancels every task of a stage \
            of a stage graph that has not run, and skips the stages downstream of it (the run still \
            exits 0 when everything else succeeds). `run --resume --retry-cancelled` runs them \
            again (a cancelled stage and its skipped dependents too). Exit status 0 answered; 1 no \
            answer within --timeout; 2 no live run in DIR (or it cannot be written), an index out \
            of range or already run (the others are still cancelled), a stage the run does not \
            have, one that finished, a run that is not a stage graph, INDEX and --stage together.
            """)

    @Argument(help: "A running run's output directory.")
    var directory: String

    @Argument(help: "Task indices to cancel.")
    var indices: [Int] = []

    @Option(help: "Cancel this stage of a stage graph (its tasks that have not run), skipping its dependents.")
    var stage: String?

    @Option(help: "Seconds to wait for the run's answer.")
    var timeout: Double = 10

    func validate() throws {
        if let stage {
            guard indices.isEmpty else { throw ValidationError("INDEX and --stage go alone: cancel tasks by index, or a whole stage") }
            guard !stage.isEmpty else { throw ValidationError("--stage: name a stage") }
        } else {
            guard !indices.isEmpty else { throw ValidationError("name at least one task index, or --stage NAME") }
        }
        if let negative = indices.first(where: { $0 < 0 }) { throw ValidationError("task index \(negative): indices start at 0") }
        try RunControlCommand.validate(timeout: timeout)
    }

    func run() async throws {
        let action: ControlRequest.Action = stage.map { .cancelStage($0) } ?? .cancel(indices)
        try RunControlCommand.send(ControlRequest(action), to: directory, timeoutSeconds: timeout)
    }
}

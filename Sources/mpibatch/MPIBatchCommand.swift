import ArgumentParser
import Foundation
import MPIBatch

/// `mpibatch`: runs large batches of work across MPI ranks.
@main
struct MPIBatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mpibatch",
        abstract: "Run batches of tasks across MPI ranks: sweeps, Monte Carlo paths, stage graphs.",
        discussion: """
            Launch with `mpirun -np N mpibatch run JOB`, inside a Slurm job with `srun`, \
            or alone (one process) while developing.
            """,
        version: "mpibatch \(MPIBatchVersion.current)",
        subcommands: [
            RunCommand.self, ValidateCommand.self, PlanCommand.self, ReportCommand.self, ResultsCommand.self,
            LogsCommand.self, ImportCommand.self, ScaleCommand.self, StatusCommand.self, StopCommand.self,
            CancelCommand.self,
        ])

    /// Bad command-line input exits 2, as bad job files do (ArgumentParser's default is 64).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                // Under a launcher every rank parses the same arguments: rank 0 alone reports them.
                guard LaunchRank.isFirst else { Foundation.exit(0) }
                Diagnostics.write(fullMessage(for: error) + "\n")
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

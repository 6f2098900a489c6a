import Foundation
import MPIBatchPlan
import MPIBatchRuntime

/// The command that continues an interrupted run (exit status 3 or 4), as `mpibatch run`
/// prints it last: the job and output directory as given, quoted where the shell needs it,
/// behind the launcher that started the run when it was not a single process.
public enum ContinueCommand {
    /// `mpibatch run JOB --out DIR --resume`, behind `mpirun -np RANKS` (under Open MPI's
    /// `mpirun`) or `srun` (in a Slurm step of several ranks).
    public static func text(
        job: String, outputDirectory: String, ranks: Int,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        let run = ["mpibatch", "run", job, "--out", outputDirectory, "--resume"].map(ShellQuoting.quoteIfNeeded)
        let launcher: [String] =
            if MPILauncher.current(environment: environment) == .mpirun {
                ["mpirun", "-np", "\(ranks)"]
            } else if ranks > 1, environment["SLURM_STEP_ID"] != nil {
                ["srun"]
            } else {
                []
            }
        return (launcher + run).joined(separator: " ")
    }
}

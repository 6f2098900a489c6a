import Foundation

/// What started this process's MPI job, as far as ending a run that lost ranks goes.
package enum MPILauncher: Equatable {
    /// Open MPI's `mpirun` (its ORTE daemons started the ranks). It notices a lost
    /// node by itself, through its OOB keepalive, and then ends the job at once;
    /// an `MPI_Abort` that reaches it first makes it wait for the dead node's daemon.
    case mpirun
    /// `srun`, or anything else that ends the job on `MPI_Abort` without waiting
    /// for the lost node (srun waits at most Slurm's `KillWait` + 2 s for its tasks).
    case other

    /// The launcher of this process: `mpirun` when ORTE's variables are set.
    package static func current(environment: [String: String] = ProcessInfo.processInfo.environment) -> MPILauncher {
        environment["OMPI_MCA_orte_hnp_uri"] != nil ? .mpirun : .other
    }

    /// How long rank 0 leaves this launcher, after writing the summary of a run that
    /// lost ranks, to end the job by itself before aborting it.
    package var graceSeconds: Double {
        switch self {
        case .mpirun: 6.0
        case .other: 0
        }
    }
}

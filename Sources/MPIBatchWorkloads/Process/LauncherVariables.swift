/// The environment variables an MPI launcher (mpirun, srun --mpi=pmix, Hydra)
/// sets to make a process one rank of its job.
///
/// Command tasks must not inherit them: a task that is itself an MPI program
/// would otherwise take the rank's identity, try to join mpibatch's own job at
/// `MPI_Init`, fail, and leave mpirun hanging. Without them it starts as an MPI
/// singleton, as it would from a shell. What a user sets to configure MPI
/// (`OMPI_MCA_btl`, `PMIX_MCA_psec`, `I_MPI_*`, ...) and Slurm's `SLURM_*`
/// description of the job are kept, all but the step id and the task numbers.
package enum LauncherVariables {
    /// Names removed exactly.
    private static let names: Set<String> = [
        "OMPI_UNIVERSE_SIZE", "OMPI_APP_CTX_NUM_PROCS", "OMPI_NUM_APP_CTX", "OMPI_FIRST_RANKS",
        "OMPI_FILE_LOCATION", "OMPI_COMMAND", "OMPI_ARGV",
        "OMPI_MCA_ess", "OMPI_MCA_pmix", "OMPI_MCA_initial_wdir", "OMPI_MCA_shmem_RUNTIME_QUERY_hint",
        "MPI_LOCALRANKID", "MPI_LOCALNRANKS",
        // Open MPI takes a process with these for one that srun started directly.
        "SLURM_STEP_ID", "SLURM_STEPID",
        // The rank's own task number under srun: a task is not that rank (an mpibatch run
        // as a task would take itself for a rank after the first and keep quiet on bad input).
        "SLURM_PROCID", "SLURM_LOCALID",
    ]
    /// Prefixes removed, with the exceptions below.
    private static let prefixes = ["OMPI_COMM_WORLD_", "OMPI_MCA_ess_", "OMPI_MCA_orte_", "PMIX_", "PMI_"]
    /// User configuration that shares a removed prefix.
    private static let keptPrefixes = ["PMIX_MCA_"]

    /// True when `name` identifies this process as a rank of the launcher's job.
    package static func identifiesRank(_ name: String) -> Bool {
        if names.contains(name) { return true }
        guard prefixes.contains(where: name.hasPrefix) else { return false }
        return !keptPrefixes.contains(where: name.hasPrefix)
    }

    /// True when a task or worker started by this rank inherits `name` from it: neither a
    /// launcher's mark of the rank nor mpibatch's own choice for its ranks' MPI start
    /// (`OneNodeTransport`).
    package static func passesToTasks(_ name: String) -> Bool {
        !identifiesRank(name) && !OneNodeTransport.isChoice(name)
    }
}

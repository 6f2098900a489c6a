import MPIBatchWorkloads

/// Where this process's launcher says it is before MPI starts: its rank and how many ranks
/// share its node. Only persistent workers are started from it, while MPI starts (a Monte
/// Carlo model's, a stage graph's first stage's: `MPILaunch.earlyWorkload`); a wrong guess
/// costs a worker started again, never a wrong value (a slot compares the worker it would
/// start with the one started).
struct LaunchPlace: Equatable {
    /// The rank MPI will give this process.
    var rank: Int
    /// How many ranks share its node.
    var ranksOnNode: Int

    /// Variables that say a launcher started this process as a rank (Open MPI's mpirun,
    /// MPICH's Hydra, PMIx, srun).
    private static let rankVariables = ["OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "SLURM_PROCID"]

    /// From Open MPI's mpirun (`OMPI_COMM_WORLD_RANK`, `OMPI_COMM_WORLD_LOCAL_SIZE`),
    /// MPICH's Hydra (`PMI_RANK`, `MPI_LOCALNRANKS`), or no launcher at all (a singleton:
    /// rank 0, alone on its node); nil under any other launcher, or values that are not counts.
    static func from(_ environment: [String: String]) -> LaunchPlace? {
        func place(_ rank: String, _ size: String) -> LaunchPlace? {
            guard let rank = environment[rank].flatMap({ Int($0) }), let size = environment[size].flatMap({ Int($0) }),
                rank >= 0, size >= 1
            else { return nil }
            return LaunchPlace(rank: rank, ranksOnNode: size)
        }
        if environment["OMPI_COMM_WORLD_RANK"] != nil { return place("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_LOCAL_SIZE") }
        if environment["PMI_RANK"] != nil, environment["PMIX_RANK"] == nil, environment["SLURM_PROCID"] == nil {
            return place("PMI_RANK", "MPI_LOCALNRANKS")
        }
        return rankVariables.contains(where: { environment[$0] != nil }) ? nil : LaunchPlace(rank: 0, ranksOnNode: 1)
    }

    /// Whether this process was started alone, by no launcher: no variable of `environment`
    /// makes it a rank of a launcher's job (`LauncherVariables`: Open MPI's, PMIx's, PMI's,
    /// srun's task numbers). A run alone needs no MPI (`RankLink`); a variable left over from
    /// a launch only costs MPI's singleton start, as before.
    static func isAlone(_ environment: [String: String]) -> Bool {
        !environment.keys.contains(where: LauncherVariables.identifiesRank)
    }
}

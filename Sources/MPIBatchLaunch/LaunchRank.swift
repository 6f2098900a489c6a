import Foundation

/// This process's rank as its launcher announces it in the environment, known before MPI
/// starts: a job that cannot be read is reported by rank 0 alone, not once per rank.
public enum LaunchRank {
    /// The variables launchers set, in the order they are trusted: Open MPI's `mpirun`,
    /// PMIx and PMI launchers (`srun --mpi=pmix`), then Slurm's task number.
    static let variables = ["OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID"]

    /// The rank `environment` names; 0 when it names none (a process started alone).
    public static func rank(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        variables.lazy.compactMap { environment[$0].flatMap { Int($0) } }.first ?? 0
    }

    /// Whether this process is rank 0 (or alone): the one that reports errors.
    public static var isFirst: Bool { rank() == 0 }
}

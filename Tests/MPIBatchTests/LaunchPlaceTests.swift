import Testing
@testable import MPIBatchLaunch

/// Where a rank is before MPI starts, from its launcher's variables (a Monte Carlo model's
/// workers start from it while MPI does).
@Suite struct LaunchPlaceTests {
    @Test func mpirunAndHydraSayTheRankAndItsNode() {
        #expect(LaunchPlace.from(["OMPI_COMM_WORLD_RANK": "3", "OMPI_COMM_WORLD_LOCAL_SIZE": "2"]) == LaunchPlace(rank: 3, ranksOnNode: 2))
        #expect(LaunchPlace.from(["PMI_RANK": "1", "MPI_LOCALNRANKS": "4"]) == LaunchPlace(rank: 1, ranksOnNode: 4))
    }

    @Test func noLauncherIsASingleton() {
        #expect(LaunchPlace.from(["HOME": "/root", "PMIX_MCA_psec": "native"]) == LaunchPlace(rank: 0, ranksOnNode: 1))
    }

    /// A process with no launcher's variable runs alone, without MPI; one that any launcher
    /// (or a leftover of one) marks as a rank starts MPI. MPI settings do not count.
    @Test func aProcessIsAloneOnlyWithoutAnyLaunchersVariable() {
        #expect(LaunchPlace.isAlone(["HOME": "/root", "PMIX_MCA_psec": "native", "OMPI_MCA_btl": "self,vader", "SLURM_JOB_ID": "7"]))
        for variable in ["OMPI_COMM_WORLD_RANK", "OMPI_MCA_orte_hnp_uri", "PMIX_RANK", "PMI_FD", "PMI_RANK", "SLURM_PROCID", "SLURM_STEP_ID"] {
            #expect(!LaunchPlace.isAlone(["HOME": "/root", variable: "0"]), "\(variable)")
        }
    }

    @Test func otherLaunchersAndGarbageSayNothing() {
        #expect(LaunchPlace.from(["SLURM_PROCID": "0", "PMIX_RANK": "0"]) == nil)
        #expect(LaunchPlace.from(["PMI_RANK": "1", "MPI_LOCALNRANKS": "4", "SLURM_PROCID": "1"]) == nil)
        #expect(LaunchPlace.from(["OMPI_COMM_WORLD_RANK": "3"]) == nil)
        #expect(LaunchPlace.from(["OMPI_COMM_WORLD_RANK": "x", "OMPI_COMM_WORLD_LOCAL_SIZE": "2"]) == nil)
        #expect(LaunchPlace.from(["OMPI_COMM_WORLD_RANK": "0", "OMPI_COMM_WORLD_LOCAL_SIZE": "0"]) == nil)
    }
}

import Testing
@testable import MPIBatchLaunch

/// Open MPI's default binding is widened only when it leaves a rank fewer CPUs than its slots
/// and the user did not ask for a binding; the rank then takes its share of the launcher's CPUs.
@Suite struct DefaultBindingTests {
    /// What mpirun -np RANKS sets for the rank at PLACE when it binds by default.
    private func bound(place: Int, ranks: Int) -> [String: String] {
        ["OMPI_MCA_orte_bound_at_launch": "1", "OMPI_COMM_WORLD_LOCAL_RANK": "\(place)", "OMPI_COMM_WORLD_LOCAL_SIZE": "\(ranks)"]
    }

    private func perRank(_ cores: Int) -> (Int) -> Int { { max(1, cores / $0) } }

    @Test func aLoneRankBoundToOneCoreOfSixtyFourTakesThemAll() {
        let node = Array(0..<64)
        #expect(DefaultBinding.widened(environment: bound(place: 0, ranks: 1), slotsOfRank: perRank(64), mask: [0], launcherMask: node) == node)
    }

    @Test func twoRanksOfAnEightCoreNodeTakeAHalfEach() {
        let node = Array(0..<8)
        #expect(DefaultBinding.widened(environment: bound(place: 0, ranks: 2), slotsOfRank: perRank(8), mask: [0], launcherMask: node) == [0, 1, 2, 3])
        #expect(DefaultBinding.widened(environment: bound(place: 1, ranks: 2), slotsOfRank: perRank(8), mask: [1], launcherMask: node) == [4, 5, 6, 7])
    }

    @Test func enoughCPUsAUsersBindingOrNoLaunchersBindingAreKept() {
        let node = Array(0..<2)
        // np=2 on 2 cores: one slot each, one CPU each.
        #expect(DefaultBinding.widened(environment: bound(place: 1, ranks: 2), slotsOfRank: perRank(2), mask: [1], launcherMask: node) == nil)
        // --slots 1 at np=1.
        #expect(DefaultBinding.widened(environment: bound(place: 0, ranks: 1), slotsOfRank: { _ in 1 }, mask: [0], launcherMask: node) == nil)
        // mpirun --bind-to core: the user's.
        var chosen = bound(place: 0, ranks: 1)
        chosen["OMPI_MCA_hwloc_base_binding_policy"] = "core"
        #expect(DefaultBinding.widened(environment: chosen, slotsOfRank: perRank(2), mask: [0], launcherMask: node) == nil)
        // Not bound at launch (--bind-to none, srun, no launcher).
        #expect(DefaultBinding.widened(environment: ["OMPI_COMM_WORLD_LOCAL_RANK": "0", "OMPI_COMM_WORLD_LOCAL_SIZE": "1"],
            slotsOfRank: perRank(2), mask: [0], launcherMask: node) == nil)
        #expect(DefaultBinding.widened(environment: ["SLURM_PROCID": "0"], slotsOfRank: perRank(2), mask: [0], launcherMask: node) == nil)
        // A launcher itself confined to the rank's one CPU has nothing wider to give.
        #expect(DefaultBinding.widened(environment: bound(place: 0, ranks: 1), slotsOfRank: perRank(2), mask: [0], launcherMask: [0]) == nil)
        // A place that is not on the node.
        #expect(DefaultBinding.widened(environment: bound(place: 3, ranks: 2), slotsOfRank: perRank(2), mask: [0], launcherMask: node) == nil)
    }
}

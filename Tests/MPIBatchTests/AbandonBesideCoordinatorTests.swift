import Testing
@testable import MPIBatch

/// A silent rank on rank 0's node is lost alone: rank 0 runs the coordinator, so that node is alive.
@Suite struct AbandonBesideCoordinatorTests {
    @Test func aSilentRankBesideRankZeroIsLostAloneAndRankZeroNever() {
        var coordinator = Coordinator(
            taskCount: 100, retries: 0, failFast: false, policy: .dynamic, slotsPerRank: [1, 1, 1, 1], reducer: nil)
        for (rank, host) in [(0, "a"), (1, "a"), (2, "b"), (3, "b")] {
            _ = coordinator.handle(.heartbeat(host: host), from: rank)
        }
        _ = coordinator.abandon(ranks: [0], silentFor: 9)
        #expect(coordinator.unresponsive.isEmpty)
        _ = coordinator.abandon(ranks: [1], silentFor: 9)
        #expect(coordinator.unresponsive == [1])
        _ = coordinator.abandon(ranks: [2], silentFor: 9)
        #expect(coordinator.unresponsive.sorted() == [1, 2, 3])  // node b is lost whole
    }
}

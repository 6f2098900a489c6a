import Testing
@testable import MPIBatchScheduling

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
        #expect(!coordinator.lostSilentNode)  // a hung process beside rank 0, whose node is alive
        _ = coordinator.abandon(ranks: [2], silentFor: 9)
        #expect(coordinator.unresponsive.sorted() == [1, 2, 3])  // node b is lost whole
    }

    private func coordinatorOnNodes(_ hosts: [String]) -> Coordinator {
        var coordinator = Coordinator(
            taskCount: 100, retries: 0, failFast: false, policy: .dynamic,
            slotsPerRank: Array(repeating: 1, count: hosts.count), reducer: nil)
        for (rank, host) in hosts.enumerated() { _ = coordinator.handle(.heartbeat(host: host), from: rank) }
        return coordinator
    }

    @Test func aHungRankBesideAnsweringOnesIsNotASilentNode() {
        var coordinator = coordinatorOnNodes(["a", "b", "b"])
        _ = coordinator.abandon(ranks: [1], silentFor: 9)
        #expect(coordinator.unresponsive.sorted() == [1, 2])  // its node is given up on whole
        #expect(!coordinator.lostSilentNode)  // but rank 2 answered: the node's daemon is alive
    }

    @Test func aNodeWhoseRanksAllWentQuietIsASilentNode() {
        var coordinator = coordinatorOnNodes(["a", "b", "b", "c"])
        _ = coordinator.abandon(ranks: [1, 2], silentFor: 9)
        #expect(coordinator.lostSilentNode)
    }

    @Test func aRankThatNeverSaidItsNodeCountsAsASilentNode() {
        var coordinator = Coordinator(
            taskCount: 100, retries: 0, failFast: false, policy: .dynamic, slotsPerRank: [1, 1], reducer: nil)
        _ = coordinator.handle(.heartbeat(host: "a"), from: 0)
        _ = coordinator.abandon(ranks: [1], silentFor: 9)
        #expect(coordinator.lostSilentNode)
    }
}

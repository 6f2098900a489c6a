import Testing
@testable import MPIBatchScheduling

/// Rank 0's knowledge of where each rank runs: `RankHosts`, and a lost node named whole.
@Suite struct RankHostsTests {
    @Test func aHostHeardForOneRankOfANodeNamesItsOthers() {
        var hosts = RankHosts(ranks: 5)
        hosts.place(nodeOfRank: [0, 0, 1, 1, 1])
        hosts.learn("b", of: 3)
        #expect(hosts.all == [nil, nil, "b", "b", "b"])
        hosts.learn("a", of: 0)
        #expect(hosts.all == ["a", "a", "b", "b", "b"])
    }

    @Test func placingAfterABeatNamesTheNode() {
        var hosts = RankHosts(ranks: 3)
        hosts.learn("a", of: 1)
        #expect(hosts.all == [nil, "a", nil])  // not placed: only the rank heard
        hosts.place(nodeOfRank: [0, 0, 1])
        #expect(hosts.all == ["a", "a", nil])
    }

    @Test func aPlacementOfAnotherLengthIsIgnored() {
        var hosts = RankHosts(ranks: 3)
        hosts.place(nodeOfRank: [0, 1])
        hosts.learn("a", of: 0)
        #expect(hosts.all == ["a", nil, nil])
    }

    /// 64 ranks over 4 nodes lost a node 2 s in: its writer had relayed the beats of some of its
    /// ranks only. Every rank of the node is given up on, each named by the node's host.
    @Test func aLostNodesRanksUnheardOfAreNamedByTheirNode() {
        var coordinator = Coordinator(
            taskCount: 40, retries: 0, failFast: false, policy: .static, slotsPerRank: [1, 1, 1, 1], reducer: nil)
        coordinator.placeRanks(nodeOfRank: [0, 0, 1, 1])
        _ = coordinator.handle(.heartbeats(host: "a", ranks: [0, 1]), from: 0)
        _ = coordinator.handle(.heartbeats(host: "b", ranks: [2]), from: 2)  // rank 3's beat never came
        _ = coordinator.abandon(ranks: [2, 3], silentFor: 6)
        #expect(coordinator.unresponsive == [2, 3])
        #expect(coordinator.unresponsive.map { coordinator.hosts[$0] } == ["b", "b"])
        #expect(coordinator.stopReason?.contains("2 (b), 3 (b)") == true)
        #expect(coordinator.lostSilentNode)
    }
}

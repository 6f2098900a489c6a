/// The host each rank runs on, as rank 0 learns it from heartbeats.
///
/// Once the ranks are placed on their nodes (`place(nodeOfRank:)`: the node numbers every rank
/// agreed at the start), the first host heard for a rank of a node is its every rank's. A node
/// writer relays its node's beats once a period, so a rank whose own beat had not reached rank
/// 0 yet when its node died (16 ranks a node, lost 2 s into the run) is still named by its
/// node's host, not "unknown host". Naming a node costs its ranks once; a beat after that, one store.
package struct RankHosts: Sendable {
    private var heard: [String?]
    /// Each rank's node; empty until placed.
    private var nodeOfRank: [Int] = []
    /// Each node's ranks; empty until placed.
    private var ranksOfNode: [[Int]] = []
    /// Whether a host was heard for some rank of the node.
    private var named: [Bool] = []

    /// No host known for any of `ranks` ranks.
    init(ranks: Int) {
        heard = Array(repeating: nil, count: ranks)
    }

    /// How many ranks there are.
    package var count: Int { heard.count }

    /// Rank `rank`'s host, when heard for it or for a rank of its node.
    package subscript(rank: Int) -> String? { heard[rank] }

    /// Every rank's host, in rank order.
    package var all: [String?] { heard }

    /// Places the ranks on their nodes: `nodeOfRank[r]` is rank r's node (0, 1, …). A list of
    /// another length than the ranks' (no placement known) is ignored.
    mutating func place(nodeOfRank nodes: [Int]) {
        guard nodes.count == heard.count, let last = nodes.max(), nodes.allSatisfy({ $0 >= 0 }) else { return }
        nodeOfRank = nodes
        ranksOfNode = Array(repeating: [], count: last + 1)
        for (rank, node) in nodes.enumerated() { ranksOfNode[node].append(rank) }
        named = Array(repeating: false, count: last + 1)
        for (rank, host) in heard.enumerated() {
            if let host { learn(host, of: rank) }
        }
    }

    /// Rank `rank` said it runs on `host`: so do the ranks of its node not heard from yet.
    mutating func learn(_ host: String, of rank: Int) {
        heard[rank] = host
        guard rank < nodeOfRank.count, !named[nodeOfRank[rank]] else { return }
        let node = nodeOfRank[rank]
        named[node] = true
        for other in ranksOfNode[node] where heard[other] == nil { heard[other] = host }
    }
}

/// Who journals whose attempts: in a part that writes a shard per node, each node's lowest
/// rank is its writer (rank 0 on rank 0's node, `NodeWriter` on the others); otherwise rank 0
/// writes every line (`results.jsonl`).
struct NodePlaces {
    /// Each rank's node (`NodeNumbers`); empty: every rank on node 0.
    let nodeOfRank: [Int]
    /// Whether the part writes a shard per node.
    let sharded: Bool

    /// Rank `rank`'s node.
    func node(of rank: Int) -> Int { rank < nodeOfRank.count ? nodeOfRank[rank] : 0 }

    /// The rank that journals rank `rank`'s attempts.
    func writer(of rank: Int) -> Int {
        sharded ? nodeOfRank.firstIndex(of: node(of: rank)) ?? 0 : 0
    }

    /// How many other ranks share rank `rank`'s node.
    func peers(of rank: Int) -> Int {
        let node = node(of: rank)
        return max(0, nodeOfRank.count(where: { $0 == node }) - 1)
    }

    /// Whether some node's lines are written by another rank than rank 0.
    var hasWriters: Bool { sharded && nodeOfRank.contains { $0 != 0 } }
}

/// Which node each rank runs on, numbered as the journal's shards are: by the order of each
/// node's first rank (rank 0's node is 0). A node is what MPI's shared-memory split makes of
/// the ranks (the ranks of one host).
enum NodeNumbers {
    /// Every rank's node, in rank order, agreed over `world` from `node` (this rank's node's ranks).
    static func ofRanks(world: any RankGroup, node: any RankGroup) throws -> [Int] {
        let first = try node.allgather(Int64(world.rank)).min() ?? Int64(world.rank)
        return numbered(firstRanks: try world.allgather(first).map { Int($0) })
    }

    /// Node numbers from each rank's node's first rank: the first node seen is 0, the next 1, and so on.
    static func numbered(firstRanks: [Int]) -> [Int] {
        var numbers: [Int: Int] = [:]
        return firstRanks.map { first in
            if let known = numbers[first] { return known }
            numbers[first] = numbers.count
            return numbers.count - 1
        }
    }
}

import MPIBatchCore

extension RunSummary {
    /// One node's figures: its ranks' summed over.
    public struct Node: Sendable, Equatable, Encodable {
        /// The node's name, as its ranks reported it.
        public var host: String
        /// The ranks that ran on it.
        public var ranks: [Int]
        /// Their slots.
        public var slots: Int
        /// The attempts they finished.
        public var tasks: Int
        /// Seconds their slots spent in tasks.
        public var busySeconds: Double

        enum CodingKeys: String, CodingKey { case host, ranks = "rank_numbers", slots, tasks, busySeconds = "busy_seconds" }
    }

    /// Per-node figures, nodes in the order of their first rank: a node is a unit of
    /// failure and of capacity, so slots and work are shown per node as well as per rank.
    public var nodes: [Node] {
        HostGroups.of(ranks.map(\.host)).map { group in
            let members = group.ranks.map { ranks[$0] }
            return Node(
                host: group.host, ranks: members.map(\.rank), slots: members.reduce(0) { $0 + $1.slots },
                tasks: members.reduce(0) { $0 + $1.tasks }, busySeconds: members.reduce(0) { $0 + $1.busySeconds })
        }
    }
}

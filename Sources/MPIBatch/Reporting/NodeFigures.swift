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
        var nodes: [Node] = []
        var position: [String: Int] = [:]
        for rank in ranks {
            let at = position[rank.host] ?? {
                nodes.append(Node(host: rank.host, ranks: [], slots: 0, tasks: 0, busySeconds: 0))
                position[rank.host] = nodes.count - 1
                return nodes.count - 1
            }()
            nodes[at].ranks.append(rank.rank)
            nodes[at].slots += rank.slots
            nodes[at].tasks += rank.tasks
            nodes[at].busySeconds += rank.busySeconds
        }
        return nodes
    }
}

/// Ranks grouped by the node they run on, nodes in the order of their first rank: how
/// per-node figures are laid out (the summary's and the live status's alike).
package enum HostGroups {
    /// The nodes of `hosts` (rank r runs on `hosts[r]`), each with its ranks in order.
    package static func of(_ hosts: [String]) -> [(host: String, ranks: [Int])] {
        var groups: [(host: String, ranks: [Int])] = []
        var position: [String: Int] = [:]
        for (rank, host) in hosts.enumerated() {
            if let at = position[host] {
                groups[at].ranks.append(rank)
            } else {
                position[host] = groups.count
                groups.append((host, [rank]))
            }
        }
        return groups
    }
}

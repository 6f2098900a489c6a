/// The runnable nodes of a dbt manifest (models, seeds, snapshots, tests) and the edges
/// between them; sources, macros and other kinds are left out (they run nothing).
struct DbtGraph {
    /// The kinds of node that become stages, with the dbt command that runs one.
    static let commands = ["seed": "seed", "model": "run", "snapshot": "snapshot", "test": "test"]

    private let manifest: DbtManifest
    /// The runnable nodes' ids, sorted.
    let ids: [String]
    /// Each node's runnable parents.
    let parents: [String: [String]]
    /// Each node's runnable children.
    let children: [String: [String]]

    init(_ manifest: DbtManifest) {
        self.manifest = manifest
        ids = manifest.nodes.filter { Self.commands[$0.value.resourceType] != nil }.keys.sorted()
        let runnable = Set(ids)
        var parents: [String: [String]] = [:]
        var children: [String: [String]] = [:]
        for id in ids {
            let upstream = Set(manifest.nodes[id]!.dependsOn.filter(runnable.contains)).sorted()
            parents[id] = upstream
            for parent in upstream { children[parent, default: []].append(id) }
        }
        self.parents = parents
        self.children = children
    }

    /// The node `id`.
    func node(_ id: String) -> DbtManifest.Node { manifest.nodes[id]! }

    /// Every node reachable from `id` along `edges`, `id` excluded.
    func closure(from id: String, following edges: [String: [String]]) -> Set<String> {
        var seen = Set<String>()
        var stack = edges[id] ?? []
        while let next = stack.popLast() {
            if seen.insert(next).inserted { stack += edges[next] ?? [] }
        }
        return seen
    }

    /// `ids` in an order where every node comes after its parents (ties by id, so the order is
    /// stable); nodes on a cycle, and those after one, are left out (see `cycle(among:)`).
    func topologicalOrder(of ids: Set<String>) -> [String] {
        var pending = Dictionary(uniqueKeysWithValues: ids.map { id in (id, (parents[id] ?? []).filter(ids.contains).count) })
        var ready = pending.filter { $0.value == 0 }.keys.sorted()
        var order: [String] = []
        while !ready.isEmpty {
            let id = ready.removeFirst()
            order.append(id)
            for child in children[id] ?? [] where ids.contains(child) {
                pending[child]! -= 1
                if pending[child] == 0 {
                    ready.insert(child, at: ready.firstIndex { $0 > child } ?? ready.endIndex)
                }
            }
        }
        return order
    }

    /// A cycle among `left`, the nodes `topologicalOrder` left out: each node followed by one
    /// that depends on it, the first repeated at the end. A node left out waits for a parent
    /// also left out, so walking back through those comes round to a node already walked.
    func cycle(among left: Set<String>) -> [String] {
        guard var id = left.min() else { return [] }
        var step: [String: Int] = [:]
        var walk: [String] = []
        while step[id] == nil {
            step[id] = walk.count
            walk.append(id)
            id = (parents[id] ?? []).first(where: left.contains)!
        }
        let cycle = Array(walk[step[id]!...].reversed())
        return cycle + [cycle[0]]
    }
}

import MPIBatchJob

/// One node's pools, agreed by its ranks at the start: the GPUs (the union of what its ranks
/// were given) and the memory budget its tasks share.
package struct NodeResources: Sendable, Equatable, Codable {
    /// The node's name.
    package var host: String
    /// Its devices, whose vendor's variable hands them to tasks.
    package var gpus: GPUList
    /// Bytes its tasks' `memory:` may add up to (the allocation minus its ranks' own use); 0: unknown.
    package var memoryBytes: Int
    /// Where the allocation's size came from (`MPIBATCH_NODE_MEMORY`, `SLURM_MEM_PER_NODE`, …).
    package var memorySource: String

    /// Makes a node's description.
    package init(host: String, gpus: GPUList, memoryBytes: Int, memorySource: String) {
        self.host = host
        self.gpus = gpus
        self.memoryBytes = memoryBytes
        self.memorySource = memorySource
    }

    /// How many tasks of `ask` this node can run at once by its GPUs and memory (nil: unbounded by them).
    package func mostAtOnce(_ ask: TaskResources) -> Int? {
        var most: Int?
        if ask.gpus > 0 { most = gpus.devices.count / ask.gpus }
        if ask.memoryBytes > 0, memoryBytes > 0 { most = min(most ?? .max, memoryBytes / ask.memoryBytes) }
        return most
    }
}

/// Why a run's widest ask does not fit every node: exit status 2 before any work, naming the
/// task's or stage's place and the count (`CoreFit`'s sibling: any rank may be handed any task,
/// so every node that runs ranks must be able to run the widest one, or it would wait for ever).
package enum ResourceFit {
    /// The first problem of `widest` against `nodes`, or nil when every node can run it.
    package static func problem(widest: TaskResources, nodes: [NodeResources]) -> String? {
        if widest.gpus > 0 {
            let place = widest.gpusPlace.isEmpty ? "" : widest.gpusPlace + ": "
            if let bare = nodes.first(where: { $0.gpus.devices.isEmpty }) {
                return "\(place)gpus: \(widest.gpus) asked, but no GPU is visible on \(bare.host) (\(bare.gpus.source))"
            }
            if let small = nodes.first(where: { $0.gpus.devices.count < widest.gpus }) {
                let most = nodes.map(\.gpus.devices.count).min() ?? 0
                return "\(place)a task of gpus: \(widest.gpus) does not fit \(small.host), which has \(small.gpus.devices.count) "
                    + "(from \(small.gpus.source)); ask for at most \(most)"
            }
            if widest.gpus > 1, let mig = nodes.first(where: \.gpus.isMIG) {
                return "\(place)gpus: \(widest.gpus) on MIG devices (\(mig.host)): a CUDA process uses one MIG instance; ask for gpus: 1"
            }
        }
        if widest.memoryBytes > 0 {
            let place = widest.memoryPlace.isEmpty ? "" : widest.memoryPlace + ": "
            if let small = nodes.first(where: { $0.memoryBytes < widest.memoryBytes }) {
                return "\(place)memory: \(TaskResources.bytesText(widest.memoryBytes)) is more than \(small.host) has for tasks ("
                    + "\(TaskResources.bytesText(small.memoryBytes)): \(small.memorySource) minus its ranks' own use)"
            }
        }
        return nil
    }
}

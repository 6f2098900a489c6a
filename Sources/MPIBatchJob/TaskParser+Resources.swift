import Yams

extension TaskParser {
    /// `gpus:` and `memory:` of `entries` (a task's or an inline stage's keys); `.none` when neither is given.
    /// Only commands (`command:`, `shell:`) may ask: a kernel runs inside the rank, and a persistent
    /// worker's devices and memory are its own for all its tasks.
    func resources(_ entries: [String: (keyNode: Node, value: Node)], action: TaskSpec.Action) throws(JobFileError) -> TaskResources {
        var resources = TaskResources.none
        for key in ["gpus", "memory"] {
            guard let entry = entries[key] else { continue }
            switch action {
            case .command, .shell: break
            case .kernel, .worker:
                throw reader.error(at: entry.keyNode, "\(key): applies to command: and shell: tasks only (a kernel or a persistent worker shares its rank's devices and memory)")
            }
        }
        if let node = entries["gpus"]?.value {
            resources.gpus = try gpuCount(node)
            resources.gpusPlace = reader.place(of: node)
        }
        if let node = entries["memory"]?.value {
            resources.memoryBytes = try memory(node)
            resources.memoryPlace = reader.place(of: node)
        }
        return resources
    }

    /// `gpus: 2`: a whole number ≥ 1 (`gpus: 0` is refused: leave the key out).
    private func gpuCount(_ node: Node) throws(JobFileError) -> Int {
        guard let scalar = node.scalar, scalar.style == .plain, let count = Int(scalar.string) else {
            throw reader.error(at: node, "gpus must be a whole number such as 1 or 2, not '\(node.scalar?.string ?? "a collection")'")
        }
        guard count >= 1 else { throw reader.error(at: node, "gpus must be at least 1, not \(count) (leave gpus: out for none)") }
        return count
    }

    /// `memory: 4GiB`: a size from 1 MiB (K, M, G with or without `i`/`B` are powers of 1024).
    private func memory(_ node: Node) throws(JobFileError) -> Int {
        let text = node.scalar?.string ?? ""
        guard node.scalar != nil, let bytes = ByteSizeParser.bytes(text) else {
            throw reader.error(at: node, "memory must be a size such as 512MiB or 4GiB, not '\(node.scalar?.string ?? "a collection")'")
        }
        guard bytes >= TaskResources.smallestMemory else {
            throw reader.error(at: node, "memory '\(text)' is below 1 MiB, the least a task may ask for")
        }
        return bytes
    }
}

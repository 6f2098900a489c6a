import Yams

/// Reads the `montecarlo:` section into a `MonteCarloSpec`.
struct MonteCarloParser {
    let reader: NodeReader
    /// The kernels the job may name; the kernel and its `params:` are checked at load time,
    /// so `validate` catches them and `run` exits 2 before any rank starts work.
    let kernels: any KernelLookup

    private static let keys = ["kernel", "params", "paths", "seed", "block", "target", "paths_out"]

    /// The checked spec; `seed:` defaults to the job's seed.
    func parse(_ node: Node, jobSeed: UInt64) throws(JobFileError) -> MonteCarloSpec {
        let entries = try reader.mapping(node, "montecarlo", allowed: Self.keys)
        var values: [String: Node] = [:]
        for entry in entries { values[entry.key] = entry.value }
        guard let kernelNode = values["kernel"] else { throw reader.error(at: node, "montecarlo needs kernel:") }
        guard let pathsNode = values["paths"] else { throw reader.error(at: node, "montecarlo needs paths:") }
        var params: [String: Double] = [:]
        if let paramsNode = values["params"] {
            for entry in try reader.mapping(paramsNode, "params") {
                params[entry.key] = try reader.number(entry.value, "parameter '\(entry.key)'")
            }
        }
        var spec = MonteCarloSpec(
            kernel: try reader.string(kernelNode, "kernel"), params: params,
            paths: try count(pathsNode, "paths"), seed: jobSeed)
        if let seedNode = values["seed"] {
            guard let seed = seedNode.scalar.flatMap({ UInt64($0.string) }) else {
                throw reader.error(at: seedNode, "seed must be a non-negative integer")
            }
            spec.seed = seed
        }
        if let blockNode = values["block"] { spec.block = try count(blockNode, "block") }
        if let targetNode = values["target"] { spec.target = try target(targetNode) }
        if let pathsOut = values["paths_out"] { spec.pathsOut = try reader.string(pathsOut, "paths_out") }
        do {
            try spec.checkCounts()
            try kernels.checkMonteCarloKernel(of: spec)
            return spec
        } catch {
            // Point at the offending node: the parameter's value, else the key's section.
            var at = values[error.field] ?? kernelNode
            if error.field.hasPrefix("params."), let paramsNode = values["params"] {
                let name = error.field.dropFirst("params.".count)
                at = paramsNode.mapping?.first { $0.key.scalar?.string == String(name) }?.value ?? paramsNode
            }
            throw reader.error(at: at, "montecarlo.\(error.field): \(error.message)")
        }
    }

    /// A positive whole number, also written as `1e7`.
    private func count(_ node: Node, _ what: String) throws(JobFileError) -> Int {
        let number = try reader.number(node, what)
        guard number >= 1, number == number.rounded(), number < 0x1p62 else {
            throw reader.error(at: node, "\(what) must be a positive whole number, not \(node.scalar?.string ?? "")")
        }
        return Int(number)
    }

    private func target(_ node: Node) throws(JobFileError) -> MonteCarloSpec.Target {
        let entries = try reader.mapping(node, "target", allowed: ["stderr", "rel_error"])
        guard entries.count == 1, let entry = entries.first else {
            throw reader.error(at: node, "target needs exactly one of stderr, rel_error")
        }
        let value = try reader.number(entry.value, "target \(entry.key)")
        guard value > 0 else { throw reader.error(at: entry.value, "target \(entry.key) must be positive") }
        return entry.key == "stderr" ? .standardError(value) : .relativeError(value)
    }
}

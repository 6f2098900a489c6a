import Yams

/// Reads the `montecarlo:` section into a `MonteCarloSpec`.
struct MonteCarloParser {
    let reader: NodeReader
    /// The kernels the job may name; the kernel and its `params:` are checked at load time,
    /// so `validate` catches them and `run` exits 2 before any rank starts work.
    let kernels: any KernelLookup
    /// The job file's directory: where a `python:` model's module is looked for first.
    let jobDirectory: String

    private static let keys = ["kernel", "params", "paths", "seed", "block", "target", "paths_out"] + modelKeys

    /// The checked spec; `seed:` defaults to the job's seed.
    func parse(_ node: Node, jobSeed: UInt64) throws(JobFileError) -> MonteCarloSpec {
        let entries = try reader.mapping(node, "montecarlo", allowed: Self.keys)
        var values: [String: Node] = [:]
        for entry in entries { values[entry.key] = entry.value }
        let engines = ["kernel", "python", "worker"].filter { values[$0] != nil }
        guard engines.count == 1, let engine = engines.first, let kernelNode = values[engine] else {
            let culprit = engines.dropFirst().first.flatMap { key in entries.first { $0.key == key }?.keyNode } ?? node
            throw reader.error(at: culprit, "montecarlo needs exactly one of kernel, python, worker (found \(engines.isEmpty ? "none" : engines.joined(separator: ", ")))")
        }
        guard let pathsNode = values["paths"] else { throw reader.error(at: node, "montecarlo needs paths:") }
        let model = engine == "kernel" ? nil : try model(entries, in: node)
        if model == nil, let key = entries.first(where: { Self.modelKeys.contains($0.key) }) {
            throw reader.error(at: key.keyNode, "\(key.key): belongs to python: and worker: models, not to a kernel")
        }
        var params: [String: Double] = [:]
        if model == nil, let paramsNode = values["params"] {
            for entry in try reader.mapping(paramsNode, "params") {
                params[entry.key] = try reader.number(entry.value, "parameter '\(entry.key)'")
            }
        }
        let name = if let model { model.name } else { try reader.string(kernelNode, "kernel") }
        var spec = MonteCarloSpec(
            kernel: name, params: params,
            paths: try count(pathsNode, "paths"), seed: jobSeed)
        spec.model = model
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
            if model == nil { try kernels.checkMonteCarloKernel(of: spec) }
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

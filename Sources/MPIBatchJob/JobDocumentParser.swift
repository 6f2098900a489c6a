import Yams

/// Reads a composed job document's top level: `name`, `seed`, `sweep` + `task`, `montecarlo`, `stages`.
struct JobDocumentParser {
    let reader: NodeReader
    let kernels: any KernelLookup
    let jobDirectory: String
    let defaultName: String

    private static let keys = ["name", "seed", "sweep", "task", "montecarlo", "stages", "limits", "bind"] + EarlyStopParser.keys

    /// The job, or every problem found.
    func parse(_ root: Node) throws(JobFileErrors) -> JobSpec {
        var errors: [JobFileError] = []
        guard root.mapping != nil else {
            throw JobFileErrors([reader.error(at: root, "a job file must be a mapping with task:, sweep:, montecarlo: or stages:")])
        }
        var entries: [String: (keyNode: Node, value: Node)] = [:]
        for (keyNode, value) in root.mapping! {
            let key = keyNode.scalar?.string ?? ""
            if Self.keys.contains(key) {
                entries[key] = (keyNode, value)
            } else {
                errors.append(reader.error(at: keyNode, "unknown key '\(key)'" + DidYouMean.suffix(for: key, among: Self.keys)))
            }
        }
        var hash = ContentHash()
        hash.add(root)
        let name = errors.collecting { () throws(JobFileError) -> String? in
            guard let node = entries["name"]?.value else { return nil }
            let name = try reader.string(node, "name")
            guard NameRule.isValid(name) else {
                throw reader.error(
                    at: node,
                    "job name '\(name)' must be \(NameRule.description) (it names the run directory runs/NAME-…); "
                        + "for example '\(NameRule.conforming(name, fallback: "job"))'")
            }
            return name
        } ?? defaultName
        let seed = errors.collecting { () throws(JobFileError) -> UInt64? in
            guard let node = entries["seed"]?.value else { return nil }
            return try jobSeed(node)
        } ?? 0
        let limits = errors.collecting { () throws(JobFileError) -> NamedLimits? in
            try entries["limits"].map { (entry) throws(JobFileError) in try LimitsParser(reader: reader).limits(entry.value) }
        } ?? .none
        let bindCores = errors.collecting { () throws(JobFileError) -> Bool? in
            guard let node = entries["bind"]?.value else { return nil }
            switch try reader.string(node, "bind") {
            case "cores": return true
            case "none": return false
            case let text: throw reader.error(at: node, "bind must be cores or none, not '\(text)'" + DidYouMean.suffix(for: text, among: ["cores", "none"]))
            }
        }
        let body = errors.collecting { () throws(JobFileError) -> Kind? in try kind(entries, root: root) }
        var spec: JobSpec.Body?
        switch body {
        case .montecarlo(let node)?:
            spec = errors.collecting { () throws(JobFileError) in .monteCarlo(try MonteCarloParser(reader: reader, kernels: kernels, jobDirectory: jobDirectory).parse(node, jobSeed: seed)) }
        case .sweep(let sweepNode, let taskNode)?:
            let earlyStop = errors.collecting { () throws(JobFileError) in
                try EarlyStopParser(reader: reader).parse(stopWhen: entries["stop_when"], race: entries["race"])
            }
            if let (parsed, tableText) = sweepSpec(sweepNode, taskNode, limits: limits, errors: &errors) {
                hash.add(tableText)
                var sweep = parsed
                sweep.earlyStop = earlyStop ?? nil
                spec = .sweep(sweep)
            }
        case .stages(let node)?:
            let parser = StageParser(
                reader: reader, kernels: kernels, jobSeed: seed, jobDirectory: jobDirectory, limits: limits)
            if let (graph, tableText) = parser.parse(node, errors: &errors) {
                hash.add(tableText)
                spec = .stages(graph)
            }
        case nil:
            break
        }
        guard errors.isEmpty, let spec else { throw JobFileErrors(errors) }
        var job = JobSpec(name: name, seed: seed, body: spec, contentHash: hash.hex)
        job.limits = limits
        job.bindCores = bindCores ?? false
        return job
    }

    private enum Kind {
        case sweep(Node?, Node)
        case montecarlo(Node)
        case stages(Node)
    }

    /// Which kind of job the top-level keys make, or why they make none.
    private func kind(_ entries: [String: (keyNode: Node, value: Node)], root: Node) throws(JobFileError) -> Kind {
        if entries["task"] == nil, let stop = entries["stop_when"] ?? entries["race"] {
            throw reader.error(
                at: stop.keyNode, "\(stop.keyNode.scalar?.string ?? "stop_when"): belongs to a sweep (beside task:) or to a stage")
        }
        if let stages = entries["stages"] {
            if let other = entries["montecarlo"] ?? entries["sweep"] ?? entries["task"] {
                throw reader.error(at: other.keyNode, "a job has either stages: or sweep:/task:/montecarlo:, not both (a stage may hold its own)")
            }
            return .stages(stages.value)
        }
        if let montecarlo = entries["montecarlo"] {
            if let other = entries["sweep"] ?? entries["task"] {
                throw reader.error(at: other.keyNode, "a job has either montecarlo: or sweep:/task:, not both")
            }
            return .montecarlo(montecarlo.value)
        }
        guard let task = entries["task"] else {
            throw reader.error(at: entries["sweep"]?.keyNode ?? root, "the job needs a task: (with an optional sweep:), a montecarlo: or stages:")
        }
        return .sweep(entries["sweep"]?.value, task.value)
    }

    private func sweepSpec(
        _ sweepNode: Node?, _ taskNode: Node, limits: NamedLimits, errors: inout [JobFileError]
    ) -> (SweepSpec, String)? {
        let parsed: (space: IndexSpace, tableText: String)?
        if let sweepNode {
            parsed = SweepParser(reader: reader, jobDirectory: jobDirectory).parse(sweepNode, errors: &errors)
        } else {
            parsed = IndexSpace(axes: []).map { ($0, "") }
        }
        guard let parsed else { return nil }
        let taskParser = TaskParser(
            reader: reader, scope: TemplateScope(space: parsed.space), space: parsed.space, kernels: kernels,
            jobDirectory: jobDirectory, defaultWorkingDirectory: jobDirectory, limits: limits)
        guard let task = taskParser.parse(taskNode, errors: &errors) else { return nil }
        return (SweepSpec(space: parsed.space, task: task, jobDirectory: jobDirectory), parsed.tableText)
    }

    private func jobSeed(_ node: Node) throws(JobFileError) -> UInt64 {
        guard let seed = node.scalar.flatMap({ UInt64($0.string) }) else {
            throw reader.error(at: node, "seed must be a non-negative integer, not '\(node.scalar?.string ?? "a collection")'")
        }
        return seed
    }
}

import Yams

/// The `montecarlo:` keys of a user's model: `python:` or `worker:` with the worker's task
/// options, `calls:`, `seed_as:` and `params:` of any scalar values.
extension MonteCarloParser {
    /// The keys only a model takes (besides `params:`, which a kernel takes too).
    static let modelKeys = ["python", "worker", "python_program", "startup_timeout", "calls", "seed_as", "reference"] + taskKeys

    /// Task options a model's worker takes as a task's would.
    private static let taskKeys = ["timeout", "retries", "env", "cwd", "max_output"]

    /// The model of a `montecarlo:` section with `python:` or `worker:`.
    func model(_ entries: [(key: String, keyNode: Node, value: Node)], in node: Node) throws(JobFileError) -> MonteCarloModel {
        let workerKeys = Set(TaskParser.workerKeys + Self.taskKeys)
        let taskNode = Node.mapping(
            Node.Mapping(entries.filter { workerKeys.contains($0.key) }.map { ($0.keyNode, $0.value) }, .implicit, .any, node.mark))
        guard let space = IndexSpace(axes: []) else { throw reader.error(at: node, "montecarlo: no task space") }
        let parser = TaskParser(
            reader: reader, scope: TemplateScope(space: space), space: space, kernels: kernels,
            jobDirectory: jobDirectory, defaultWorkingDirectory: jobDirectory)
        var errors: [JobFileError] = []
        guard let task = parser.parse(taskNode, errors: &errors), case .worker(var worker) = task.action else {
            throw errors.first ?? reader.error(at: node, "montecarlo: python: or worker: could not be read")
        }
        worker.runsMonteCarlo = true
        var model = MonteCarloModel(task: task, worker: worker)
        for entry in entries {
            switch entry.key {
            case "calls": model.calls = try choice(entry.value, "calls")
            case "seed_as": model.seedAs = try choice(entry.value, "seed_as")
            case "reference":
                let name = try reader.string(entry.value, "reference")
                guard case .python = worker.program, TaskParser.isIdentifier(Substring(name)) else {
                    throw reader.error(at: entry.value, "reference: names a function of the python: model's module (such as black_scholes), not '\(name)'")
                }
                model.reference = name
            case "params":
                for parameter in try reader.mapping(entry.value, "params") {
                    model.params.append((parameter.key, try reader.parameterValue(parameter.value, "parameter '\(parameter.key)'")))
                }
            default: continue
            }
        }
        if model.calls == .block, let seedAs = entries.first(where: { $0.key == "seed_as" }) {
            throw reader.error(at: seedAs.keyNode, "seed_as: applies to calls: path (a block model gets rng, a numpy Generator)")
        }
        return model
    }

    /// One of `Choice`'s raw values.
    private func choice<Choice: RawRepresentable & CaseIterable>(_ node: Node, _ what: String) throws(JobFileError) -> Choice
    where Choice.RawValue == String {
        let text = try reader.string(node, what)
        guard let value = Choice(rawValue: text) else {
            throw reader.error(at: node, "\(what) must be \(Choice.allCases.map(\.rawValue).joined(separator: " or ")), not '\(text)'")
        }
        return value
    }
}

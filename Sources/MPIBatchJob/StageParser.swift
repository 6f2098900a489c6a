import Yams

/// Reads `stages:` into a `StageGraph`. Names and `after:` come first
/// (duplicates, unknown names, cycles); then each stage's body, whose templates
/// may use `{stages.NAME.value}` for any stage upstream of it.
///
/// A stage's body is one task written inline (`command:`, `shell:` or `kernel:`
/// with the `task:` keys beside it), `task:` with an optional `sweep:` that
/// fans it out over the ranks, or `montecarlo:` whose blocks fan out (read by
/// `MonteCarloParser`; its `seed:` defaults to the job's, and `target:` is refused).
struct StageParser {
    let reader: NodeReader
    /// The kernels a stage may name (`kernel:`, `montecarlo: {kernel:}`).
    let kernels: any KernelLookup
    /// The job's `seed:`, the default of a `montecarlo:` stage's.
    let jobSeed: UInt64
    /// The job file's directory, against which `cwd:` and `table:` are resolved.
    let jobDirectory: String
    /// The job's `limits:`, which a stage's `uses:` names.
    var limits: NamedLimits = .none

    private static let ownKeys = ["name", "after", "exclusive", "estimate", "warn_after", "sweep", "task", "montecarlo"]
        + EarlyStopParser.keys
    private static let taskKeys = TaskParser.keys

    private typealias Entry = (key: String, keyNode: Node, value: Node)

    /// What a stage says about itself before its body is read.
    private struct Header {
        var node: Node
        var entries: [String: Entry]
        var name: String
        var after: [(name: String, node: Node)]
        var exclusive: Bool
        var estimate: Double?
        var warnAfter: Double?
        var earlyStop: EarlyStopSpec?
    }

    /// The graph plus the text of any CSV tables (for the content hash); problems go to `errors` and give nil.
    func parse(_ node: Node, errors: inout [JobFileError]) -> (StageGraph, tableText: String)? {
        let items: [Node]
        do {
            items = try reader.sequence(node, "stages")
        } catch {
            errors.append(error)
            return nil
        }
        guard !items.isEmpty else {
            errors.append(reader.error(at: node, "stages is empty: give at least one stage"))
            return nil
        }
        let errorCount = errors.count
        let headers = items.compactMap { item in errors.collecting { () throws(JobFileError) in try header(item) } }
        guard errors.count == errorCount else { return nil }
        let topology: StageTopology
        do {
            topology = try StageTopology(names: headers.map(\.name), after: headers.map { $0.after.map(\.name) })
        } catch {
            errors += error.errors.map { place($0, headers: headers) }
            return nil
        }
        var stages: [StageGraph.Stage] = []
        var tableText = ""
        for (number, header) in headers.enumerated() {
            let upstream = UpstreamStages(of: number, in: topology)
            guard let (body, table) = body(header, upstream: upstream, errors: &errors) else { continue }
            tableText += table
            stages.append(
                StageGraph.Stage(
                    name: header.name, body: body, exclusive: header.exclusive, estimate: header.estimate,
                    warnAfter: header.warnAfter, earlyStop: header.earlyStop))
        }
        guard errors.count == errorCount else { return nil }
        return (StageGraph(stages: stages, topology: topology), tableText)
    }

    private func header(_ node: Node) throws(JobFileError) -> Header {
        let list = try reader.mapping(node, "a stage", allowed: Self.ownKeys + Self.taskKeys)
        let entries = Dictionary(list.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        guard let nameEntry = entries["name"] else { throw reader.error(at: node, "a stage needs a name:") }
        let name = try reader.string(nameEntry.value, "a stage name")
        guard NameRule.isValid(name) else {
            throw reader.error(at: nameEntry.value, "stage name '\(name)' must be \(NameRule.description) (it names a directory and variables)")
        }
        var after: [(name: String, node: Node)] = []
        if let entry = entries["after"] {
            let items = entry.value.scalar != nil ? [entry.value] : try reader.sequence(entry.value, "after")
            for item in items { after.append((try reader.string(item, "a dependency"), item)) }
        }
        return Header(
            node: node, entries: entries, name: name, after: after,
            exclusive: try entries["exclusive"].map { (entry) throws(JobFileError) in try flag(entry.value, "exclusive") } ?? false,
            estimate: try entries["estimate"].map { (entry) throws(JobFileError) in try duration(entry.value, "estimate") },
            warnAfter: try entries["warn_after"].map { (entry) throws(JobFileError) in try duration(entry.value, "warn_after") },
            earlyStop: try earlyStop(entries))
    }

    /// The stage's `stop_when:` or `race:`; not on a `montecarlo:` stage, whose blocks are not alternatives.
    private func earlyStop(_ entries: [String: Entry]) throws(JobFileError) -> EarlyStopSpec? {
        let stopWhen = entries["stop_when"].map { ($0.keyNode, $0.value) }
        let race = entries["race"].map { ($0.keyNode, $0.value) }
        let spec = try EarlyStopParser(reader: reader).parse(stopWhen: stopWhen, race: race)
        if spec != nil, entries["montecarlo"] != nil, let key = stopWhen?.0 ?? race?.0 {
            throw reader.error(at: key, "\(key.scalar?.string ?? "stop_when"): does not apply to a montecarlo: stage (its blocks are parts of one estimate)")
        }
        return spec
    }

    /// A graph problem at the stage (or dependency) it concerns.
    private func place(_ problem: StageGraphError, headers: [Header]) -> JobFileError {
        let header = headers[problem.stage]
        switch problem {
        case .unknownDependency(_, _, let position, _):
            return reader.error(at: header.after[position].node, problem.description)
        case .duplicateName, .cycle:
            return reader.error(at: header.entries["name"]!.value, problem.description)
        }
    }

    /// The stage's body and any table text.
    private func body(
        _ header: Header, upstream: UpstreamStages, errors: inout [JobFileError]
    ) -> (StageGraph.Body, tableText: String)? {
        let inline = Self.taskKeys.compactMap { header.entries[$0] }
        let task = header.entries["task"]
        let sweep = header.entries["sweep"]
        if let montecarlo = header.entries["montecarlo"] {
            if let other = task ?? sweep ?? inline.first {
                errors.append(
                    reader.error(
                        at: other.keyNode, "stage '\(header.name)' has montecarlo: and \(other.key): — a stage has one body"))
                return nil
            }
            return errors.collecting { () throws(JobFileError) in (.monteCarlo(try monteCarlo(montecarlo.value)), "") }
        }
        if task != nil, let first = inline.first {
            errors.append(
                reader.error(at: first.keyNode, "stage '\(header.name)' has task: and \(first.key): — put \(first.key): inside task:"))
            return nil
        }
        if task == nil, let sweep {
            errors.append(reader.error(at: sweep.keyNode, "stage '\(header.name)' has sweep: but no task: to fan out"))
            return nil
        }
        guard task != nil || !inline.isEmpty else {
            errors.append(
                reader.error(at: header.node, "stage '\(header.name)' needs a body: command:, shell:, kernel:, or task: with sweep:"))
            return nil
        }
        let parsed: (space: IndexSpace, tableText: String)?
        var runTimeTable: RunTimeTable?
        if let sweep, let table = RunTimeTableParser.tableNode(of: sweep.value) {
            let parser = RunTimeTableParser(reader: reader, jobDirectory: jobDirectory)
            runTimeTable = errors.collecting { () throws(JobFileError) in try parser.parse(sweep.value, table: table, upstream: upstream) }
            parsed = runTimeTable.map { ($0.placeholderSpace, "") }
        } else if let sweep {
            parsed = SweepParser(reader: reader, jobDirectory: jobDirectory, inStage: true).parse(sweep.value, errors: &errors)
        } else {
            parsed = IndexSpace(axes: []).map { ($0, "") }
        }
        guard let parsed else { return nil }
        let taskNode = task?.value ?? Node.mapping(Node.Mapping(inline.map { ($0.keyNode, $0.value) }, .implicit, .any, header.node.mark))
        let taskParser = TaskParser(
            reader: reader, scope: TemplateScope(space: parsed.space, upstreamStages: upstream), space: parsed.space,
            kernels: kernels, jobDirectory: jobDirectory, defaultWorkingDirectory: nil, limits: limits,
            priorityMayNameParameters: false)
        guard let spec = taskParser.parse(taskNode, errors: &errors) else { return nil }
        var sweepSpec = SweepSpec(space: parsed.space, task: spec, jobDirectory: jobDirectory)
        sweepSpec.runTimeTable = runTimeTable
        return (.tasks(sweepSpec, fansOut: sweep != nil), parsed.tableText)
    }

    /// A `montecarlo:` stage body. A precision `target:` is refused: the run's early stop
    /// cuts the whole graph's index space, so it cannot end one stage's blocks.
    private func monteCarlo(_ node: Node) throws(JobFileError) -> MonteCarloSpec {
        let blocks = try MonteCarloParser(reader: reader, kernels: kernels, jobDirectory: jobDirectory).parse(node, jobSeed: jobSeed)
        if blocks.model != nil {
            let key = node.mapping?.first { ["python", "worker"].contains($0.key.scalar?.string ?? "") }
            throw reader.error(
                at: key?.key ?? node,
                "a python: or worker: Monte Carlo model is not supported inside a stage yet; run it as a job of its own")
        }
        if blocks.target != nil {
            let target = node.mapping?.first { $0.key.scalar?.string == "target" }
            throw reader.error(
                at: target?.key ?? node,
                "montecarlo target: is not supported inside a stage (stopping early would cut the whole graph, "
                    + "not this stage); give a fixed paths: instead")
        }
        return blocks
    }

    private func flag(_ node: Node, _ what: String) throws(JobFileError) -> Bool {
        switch try reader.string(node, what) {
        case "true", "yes": return true
        case "false", "no": return false
        case let text: throw reader.error(at: node, "\(what) must be true or false, not '\(text)'")
        }
    }

    private func duration(_ node: Node, _ what: String) throws(JobFileError) -> Double {
        let text = try reader.string(node, what)
        guard let seconds = DurationParser.seconds(text) else {
            throw reader.error(at: node, "\(what) '\(text)' is not a positive duration such as 60s, 500ms, 2m")
        }
        return seconds
    }
}

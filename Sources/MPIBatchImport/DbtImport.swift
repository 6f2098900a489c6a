import Foundation
import MPIBatchJob

/// `mpibatch import dbt MANIFEST`: a dbt project's nodes as a stage graph, written as a job
/// file. Each model, seed and snapshot becomes a stage running `dbt run|seed|snapshot` on
/// exactly its node, each test a stage running `dbt test` after what it tests; a node waits
/// for its selected parents (unselected ones are taken as built), and every stage waits for
/// two first ones: a check of the warehouse's connection (so that a warehouse down is one
/// clear failure, not one per stage) and `dbt parse`, whose result the others reuse. Stages run in the project's root with
/// the import's `--profiles-dir`, `--target` and `--vars`, as `dbt build` would there.
///
/// On a single-writer warehouse (DuckDB, SQLite: one read-write process per database file)
/// the persistent workers' stages run in one of them, the first to open the database, which
/// runs the nodes the others send it side by side (as `dbt build --threads N` does in its one
/// process); with one dbt process per stage, every stage runs alone. Models matching an exclusive pattern (state accumulators) run
/// one at a time (`uses: [accumulators]` with `limits: {accumulators: 1}`: the rest of the
/// graph goes on meanwhile), one after another in the project's dependency order, so their
/// state is accumulated in a fixed order. Snapshots and incremental models are not retried (a second attempt
/// would not start from the state the first one found); other stages get `retries`.
public enum DbtImport {
    /// How the job is made.
    public struct Options: Sendable {
        /// The dbt program.
        public var program = "dbt"
        /// Arguments added to every dbt call (`--full-refresh`).
        public var extraArguments: [String] = []
        /// `--select` arguments, resolved by `dbt ls`; none (and no exclude or selector): every node.
        public var select: [String] = []
        /// `--exclude` arguments, resolved by `dbt ls`.
        public var exclude: [String] = []
        /// A YAML selector's name, resolved by `dbt ls`.
        public var selector: String?
        /// Name patterns (`*`, `?`) of models that must run one at a time and in order.
        public var exclusivePatterns = ["*_state_accumulator*"]
        /// Whether tests become stages.
        public var includeTests = true
        /// The project's root; nil: the nearest directory at or above the manifest with `dbt_project.yml`.
        public var projectDirectory: String?
        /// Where `profiles.yml` is; nil: where dbt would look.
        public var profilesDirectory: String?
        /// dbt's `--target`.
        public var target: String?
        /// dbt's `--vars` (YAML).
        public var vars: String?
        /// Retries of each stage that may be run again (not snapshots, not incremental models).
        public var retries = 1
        /// dbt's `run_results.json` of an earlier run: each node's `execution_time` becomes its stage's `estimate:`.
        public var durationsPath: String?
        /// Whether each stage runs its own dbt process (`--process-per-stage`) rather than a
        /// node on a slot's persistent dbt worker.
        public var processPerStage = false

        /// The defaults: `dbt`, every node, `*_state_accumulator*` exclusive, tests included, one retry.
        public init() {}
    }

    /// The adapters whose database one process at a time may open for writing.
    static let singleWriterAdapters: [String: String] = ["duckdb": "DuckDB", "sqlite": "SQLite"]
    /// The stage that checks the connection before any other runs.
    static let connectionStage = "dbt-connection"
    /// The named limit (of one) that the accumulators use.
    static let accumulatorLimit = "accumulators"
    /// The stage that parses the project for the others, after the connection check.
    static let parseStage = "dbt-parse"

    /// The job file's text for the manifest at `manifestPath`.
    public static func job(manifestPath: String, options: Options) throws(DbtImportError) -> String {
        try make(manifestPath: manifestPath, options: options).job
    }

    /// The job file's text for the manifest at `manifestPath`, and what the user should be
    /// told about it (a dbt without `dbtRunner`: one process per stage).
    public static func make(manifestPath: String, options: Options) throws(DbtImportError) -> (job: String, warnings: [String]) {
        let manifest = try DbtManifest.load(path: manifestPath)
        let graph = DbtGraph(manifest)
        let durations = try options.durationsPath.map { (path) throws(DbtImportError) in try DbtDurations.load(path: path) }
        let project = try DbtProject.locate(
            manifestPath: manifestPath, projectDirectory: options.projectDirectory, profilesDirectory: options.profilesDirectory)
        let invocation = DbtInvocation(
            program: options.program, project: project, target: options.target, vars: options.vars,
            extraArguments: options.extraArguments)
        let list = DbtList(select: options.select, exclude: options.exclude, selector: options.selector)
        var chosen = list.isEmpty ? Set(graph.ids) : try list.uniqueIDs(invocation).intersection(graph.ids)
        if !options.includeTests { chosen = chosen.filter { graph.node($0).resourceType != "test" } }
        guard !chosen.isEmpty else {
            let reason = list.isEmpty ? "nothing to run: the manifest has no models" : "nothing to run: dbt ls selects no model, seed, snapshot or test"
            throw DbtImportError(path: list.isEmpty ? manifestPath : "dbt ls " + list.arguments.joined(separator: " "), reason: reason)
        }
        let order = graph.topologicalOrder(of: chosen)
        guard order.count == chosen.count else {
            let cycle = graph.cycle(among: chosen.subtracting(order))
            throw DbtImportError(
                path: manifestPath,
                reason: "dependency cycle: " + cycle.map(DbtJobText.shown).joined(separator: " -> ") + " (dbt cannot run it either; --select around it)")
        }
        let names = try stageNames(order, graph: graph, manifestPath: manifestPath)
        let accumulators = order.filter { id in
            graph.node(id).resourceType == "model" && options.exclusivePatterns.contains { fnmatch($0, graph.node(id).name, 0) == 0 }
        }
        let singleWriter = manifest.adapterType.flatMap { singleWriterAdapters[$0] }
        let commands = DbtStageCommand(invocation: invocation)
        var warnings: [String] = []
        var workers: DbtWorkerCall?
        if !options.processPerStage {
            if let interpreter = DbtPython.interpreter(of: options.program) {
                let partialParse = URL(fileURLWithPath: manifestPath).standardizedFileURL.deletingLastPathComponent()
                    .appendingPathComponent("partial_parse.msgpack").path
                workers = DbtWorkerCall(
                    invocation: invocation, interpreter: interpreter,
                    partialParse: FileManager.default.fileExists(atPath: partialParse) ? partialParse : nil,
                    singleWriter: singleWriter == nil ? nil : manifest.adapterType)
            } else {
                warnings.append(
                    "the Python of '\(options.program)' cannot import dbt's programmatic runner (dbtRunner, dbt 1.5 and later): "
                        + "each stage runs its own dbt process (seconds of dbt start-up each)")
            }
        }
        var lines = [
            "# Made by `mpibatch import dbt \(DbtJobText.shown(manifestPath))`: \(order.count) stages, after a connection check and a parse"
                + (manifest.dbtVersion.map { " (dbt \($0)" + (manifest.adapterType.map { ", \($0)" } ?? "") + ")" } ?? "") + ".",
            "# Each stage runs in \(DbtJobText.shown(project.root)), its dbt files and log under $MPIBATCH_OUT/dbt/STAGE.",
        ]
        if let workers {
            lines += [
                "# Stages run on persistent dbt workers (python: \(DbtWorkerCall.function), shipped inside mpibatch, under \(workers.interpreter)):",
                "# one worker per host (the first to start: they start while MPI does) imports dbt and parses the project once, then runs each",
                "# node (args: node) in one `dbt build` it holds open on that parse, the other workers sending it theirs:",
                "# side by side, as dbt build's threads run in its one process.",
                "# `mpibatch import dbt --process-per-stage` writes one dbt process per stage instead.",
            ]
        }
        let action = { (command: String, id: String?, stage: String, shell: String) -> [String] in
            workers?.lines(command: command, node: id.map { ($0, DbtStageCommand.selection(of: $0, in: graph)) }, stage: stage)
                ?? ["    shell: \(DbtJobText.string(DbtJobText.literalTemplate(shell)))"]
        }
        if let singleWriter {
            lines.append(
                workers == nil
                    ? "# \(singleWriter) lets one process at a time open the database for writing: every stage runs alone (exclusive: true)."
                    : "# \(singleWriter) lets one process at a time open the database for writing: the first worker to open it holds it for the run, "
                        + "and the others send it their nodes, which it runs side by side in one process (as `dbt build --threads N` does).")
        }
        if let durations, let path = options.durationsPath {
            let known = order.filter { durations.seconds[$0] != nil }.count
            lines.append("# estimate: from \(DbtJobText.shown(path)) (dbt's execution_time) for \(known) of \(order.count) stages.")
        }
        let alone = singleWriter != nil && workers == nil  // one dbt process per stage on a single writer: each stage alone
        let limited = !alone && !accumulators.isEmpty  // stages alone need no limit
        if !accumulators.isEmpty {
            let how = limited ? "One at a time (uses: [\(accumulatorLimit)]), the rest of the graph going on" : "Run alone"
            lines.append("# \(how), in this order: \(accumulators.map { names[$0]! }.joined(separator: ", ")).")
        }
        lines.append("name: \(DbtJobText.string(NameRule.conforming(manifest.projectName ?? "dbt", fallback: "dbt")))")
        if limited { lines.append("limits: {\(accumulatorLimit): 1}") }
        lines.append("stages:")
        // With workers, the two first stages run side by side (the parse is a worker's start-up and
        // opens no database), so two slots' workers start at once; the nodes wait for both.
        let first = workers == nil ? [parseStage] : [connectionStage, parseStage]
        lines += stageLines(
            name: connectionStage, action: action("debug", nil, connectionStage, commands.connectionCheck(stage: connectionStage)),
            after: [], directory: project.root, exclusive: alone, retries: 0)
        lines += stageLines(
            name: parseStage, action: action("parse", nil, parseStage, commands.parse(stage: parseStage)),
            after: workers == nil ? [connectionStage] : [], directory: project.root, exclusive: alone, retries: 0)
        for id in order {
            let node = graph.node(id)
            var after = (graph.parents[id] ?? []).filter(chosen.contains).map { names[$0]! }
            if let position = accumulators.firstIndex(of: id), position > 0, !after.contains(names[accumulators[position - 1]]!) {
                after.append(names[accumulators[position - 1]]!)  // the accumulators' fixed order
            }
            let command = DbtGraph.commands[node.resourceType]!
            let shell = commands.line(for: id, command: command, stage: names[id]!, in: graph)
            let rerunnable = node.resourceType != "snapshot" && node.materialized != "incremental"
            lines += stageLines(
                name: names[id]!, action: action(command, id, names[id]!, shell), after: after.isEmpty ? first : after, directory: project.root,
                exclusive: alone, retries: rerunnable ? options.retries : 0,
                estimate: durations?.estimate(of: id), uses: limited && accumulators.contains(id) ? accumulatorLimit : nil)
        }
        return (lines.joined(separator: "\n") + "\n", warnings)
    }

    /// One stage's lines; `action` its `shell:` line or its worker's lines.
    private static func stageLines(
        name: String, action: [String], after: [String], directory: String, exclusive: Bool, retries: Int, estimate: String? = nil,
        uses: String? = nil
    ) -> [String] {
        var lines = ["  - name: \(DbtJobText.string(name))"] + action
        if !after.isEmpty { lines.append("    after: [\(after.map(DbtJobText.string).joined(separator: ", "))]") }
        lines.append("    cwd: \(DbtJobText.string(DbtJobText.literalTemplate(directory)))")
        if exclusive { lines.append("    exclusive: true") }
        if let uses { lines.append("    uses: [\(uses)]") }
        if let estimate { lines.append("    estimate: \(estimate)") }
        lines.append("    retries: \(retries)")
        return lines
    }

    /// Each node's stage name: its dbt name, or `KIND-NAME` where two kinds share a name.
    /// A name that cannot be a stage's, or that dbt's `--select` would read as more than
    /// one node or as an option (a space, a `.`, a `+`, a leading `-`, a line break), and two
    /// nodes that would share a stage, are refused, the nodes named.
    private static func stageNames(
        _ ids: [String], graph: DbtGraph, manifestPath: String
    ) throws(DbtImportError) -> [String: String] {
        var count: [String: Int] = [:]
        for id in ids { count[graph.node(id).name, default: 0] += 1 }
        var names: [String: String] = [:]
        var owners = [connectionStage: "the connection check", parseStage: "the parse"]
        for id in ids {
            let node = graph.node(id)
            guard isPlainName(node.name) else {
                throw DbtImportError(
                    path: manifestPath,
                    reason: "node \(DbtJobText.shown(id)) is named \(String(reflecting: node.name)), which cannot be imported: a name must be letters, "
                        + "digits, '_' and '-', not starting with '-' (it names a stage and is what dbt --select receives)")
            }
            let name = count[node.name]! > 1 ? "\(node.resourceType)-\(node.name)" : node.name
            if let other = owners[name] {
                throw DbtImportError(
                    path: manifestPath, reason: "nodes \(DbtJobText.shown(other)) and \(DbtJobText.shown(id)) would both be the stage '\(name)'; --select one of them")
            }
            owners[name] = id
            names[id] = name
        }
        return names
    }

    /// Whether `name` is non-empty ASCII letters, digits, `_` and `-`, not starting with `-`.
    private static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix("-")
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }
}

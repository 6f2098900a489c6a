import Foundation

/// `mpibatch import dbt MANIFEST`: a dbt project's nodes as a stage graph, written as a job
/// file. Each model, seed and snapshot becomes a stage running `dbt run|seed|snapshot
/// --select NAME`, each test a stage running `dbt test --select NAME` after what it tests;
/// a node waits for its selected parents (unselected ones are taken as built). Models
/// matching an exclusive pattern (state accumulators) run alone, and one after another in
/// the project's dependency order, so their state is accumulated in a fixed order.
public enum DbtImport {
    /// How the job is made.
    public struct Options: Sendable {
        /// The dbt program.
        public var program = "dbt"
        /// Arguments added after `--select NAME` (`--target prod`, `--profiles-dir .`).
        public var extraArguments: [String] = []
        /// Selectors (`--select`); none: every node.
        public var select: [String] = []
        /// Name patterns (`*`, `?`) of models that must run alone and in order.
        public var exclusivePatterns = ["*_state_accumulator*"]
        /// Whether tests become stages.
        public var includeTests = true
        /// The directory the commands run in (`cwd:` of every stage), if given.
        public var workingDirectory: String?

        /// The defaults: `dbt`, every node, `*_state_accumulator*` exclusive, tests included.
        public init() {}
    }

    /// The job file's text for the manifest at `manifestPath`.
    public static func job(manifestPath: String, options: Options) throws(DbtImportError) -> String {
        let manifest = try DbtManifest.load(path: manifestPath)
        let graph = DbtGraph(manifest)
        var chosen = try DbtSelection(options.select).select(in: graph, manifestPath: manifestPath)
        // A test runs when everything it tests is selected (dbt's cautious indirect selection).
        for id in graph.ids where graph.node(id).resourceType == "test" {
            let tested = graph.parents[id] ?? []
            if options.includeTests, !tested.isEmpty, tested.allSatisfy(chosen.contains) { chosen.insert(id) }
            if !options.includeTests { chosen.remove(id) }
        }
        guard !chosen.isEmpty else { throw DbtImportError(path: manifestPath, reason: "nothing to run: the manifest has no models") }
        let order = graph.topologicalOrder(of: chosen)
        let names = stageNames(order, graph: graph)
        let exclusive = order.filter { id in
            graph.node(id).resourceType == "model" && options.exclusivePatterns.contains { fnmatch($0, graph.node(id).name, 0) == 0 }
        }
        var lines = [
            "# Made by `mpibatch import dbt \(manifestPath)`: \(order.count) stages"
                + (exclusive.isEmpty ? "." : "; run alone, in this order: \(exclusive.map { names[$0]! }.joined(separator: ", ")).")
        ]
        lines.append("name: \(yamlString(NameRule.conforming(manifest.projectName ?? "dbt", fallback: "dbt")))")
        lines.append("stages:")
        for id in order {
            let node = graph.node(id)
            var after = (graph.parents[id] ?? []).filter(chosen.contains)
            if let position = exclusive.firstIndex(of: id), position > 0, !after.contains(exclusive[position - 1]) {
                after.append(exclusive[position - 1])  // the accumulators' fixed order
            }
            let argv = [options.program, DbtGraph.commands[node.resourceType]!, "--select", node.name] + options.extraArguments
            lines.append("  - name: \(names[id]!)")
            lines.append("    command: [\(argv.map(yamlString).joined(separator: ", "))]")
            if !after.isEmpty { lines.append("    after: [\(after.map { names[$0]! }.joined(separator: ", "))]") }
            if exclusive.contains(id) { lines.append("    exclusive: true") }
            if let directory = options.workingDirectory { lines.append("    cwd: \(yamlString(directory))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Each node's stage name: its dbt name, or `KIND-NAME` where two kinds share a name.
    private static func stageNames(_ ids: [String], graph: DbtGraph) -> [String: String] {
        var count: [String: Int] = [:]
        for id in ids { count[graph.node(id).name, default: 0] += 1 }
        return Dictionary(uniqueKeysWithValues: ids.map { id in
            let node = graph.node(id)
            let name = count[node.name]! > 1 ? "\(node.resourceType)-\(node.name)" : node.name
            return (id, String(name.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" }))
        })
    }

    /// A YAML double-quoted string.
    private static func yamlString(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

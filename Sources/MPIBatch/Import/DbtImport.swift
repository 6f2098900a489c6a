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
        guard order.count == chosen.count else {
            let cycle = graph.cycle(among: chosen.subtracting(order))
            throw DbtImportError(
                path: manifestPath,
                reason: "dependency cycle: " + cycle.map(shown).joined(separator: " -> ") + " (dbt cannot run it either; --select around it)")
        }
        let names = try stageNames(order, graph: graph, manifestPath: manifestPath)
        let exclusive = order.filter { id in
            graph.node(id).resourceType == "model" && options.exclusivePatterns.contains { fnmatch($0, graph.node(id).name, 0) == 0 }
        }
        var lines = [
            "# Made by `mpibatch import dbt \(shown(manifestPath))`: \(order.count) stages"
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
            lines.append("  - name: \(yamlString(names[id]!))")
            lines.append("    command: [\(argv.map { yamlString(literalTemplate($0)) }.joined(separator: ", "))]")
            if !after.isEmpty { lines.append("    after: [\(after.map { yamlString(names[$0]!) }.joined(separator: ", "))]") }
            if exclusive.contains(id) { lines.append("    exclusive: true") }
            if let directory = options.workingDirectory { lines.append("    cwd: \(yamlString(literalTemplate(directory)))") }
        }
        return lines.joined(separator: "\n") + "\n"
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
        var owners: [String: String] = [:]
        for id in ids {
            let node = graph.node(id)
            guard isPlainName(node.name) else {
                throw DbtImportError(
                    path: manifestPath,
                    reason: "node \(shown(id)) is named \(String(reflecting: node.name)), which cannot be imported: a name must be letters, "
                        + "digits, '_' and '-', not starting with '-' (it names a stage and is what dbt --select receives)")
            }
            let name = count[node.name]! > 1 ? "\(node.resourceType)-\(node.name)" : node.name
            if let other = owners[name] {
                throw DbtImportError(
                    path: manifestPath, reason: "nodes \(shown(other)) and \(shown(id)) would both be the stage '\(name)'; --select one of them")
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

    /// `text` as it is when it holds no space or control character, else in double quotes with
    /// its escapes: one line, whatever a manifest holds.
    private static func shown(_ text: String) -> String {
        text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F } ? text : String(reflecting: text)
    }

    /// `text` as a template that stands for itself: braces doubled.
    private static func literalTemplate(_ text: String) -> String {
        text.replacingOccurrences(of: "{", with: "{{").replacingOccurrences(of: "}", with: "}}")
    }

    /// A YAML double-quoted string: backslashes, quotes and control characters escaped (a
    /// raw line break inside one would fold to a space).
    private static func yamlString(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": quoted += "\\\\"
            case "\"": quoted += "\\\""
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                quoted += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }
}

extension String {
    /// This text with `0`s in front up to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

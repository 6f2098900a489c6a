import Foundation

/// The `shell:` line of one imported stage: `dbt run|seed|snapshot|test` selecting exactly
/// its node, with the job's project arguments, writing its `target/` files and log under the
/// run directory (`$MPIBATCH_OUT/dbt/STAGE`), so that concurrent stages never overwrite each
/// other's `run_results.json` or `dbt.log`, nor the project's own. Each reads the project as
/// the parse stage left it (`--partial-parse-file-path`), rather than parsing it again.
/// dbt prints to stdout; the line sends it to stderr, whose end the journal keeps with a
/// failure, so a failed stage's error is dbt's own message (`--quiet`: errors only).
///
/// A node is selected by its fully qualified name (`fqn:jaffle.marts.orders`), not its bare
/// name, which other packages, versions or kinds may share. dbt's `fqn:` method also takes
/// longer names that start with the one given (a model `orders/items.sql` beside
/// `orders.sql`), so those nodes, found in the manifest, are excluded by their own names.
struct DbtStageCommand {
    let invocation: DbtInvocation

    /// What selects exactly one node: its `fqn:` and the longer names that `fqn:` also takes.
    struct Selection {
        /// `fqn:package.path.name`.
        let select: String
        /// `fqn:` of each longer name of the same kind.
        let exclude: [String]
    }

    /// The selection of node `id` of `graph`.
    static func selection(of id: String, in graph: DbtGraph) -> Selection {
        let node = graph.node(id)
        let own = qualifiedName(node)
        let longer = graph.ids.filter { other in
            other != id && graph.node(other).resourceType == node.resourceType && extends(qualifiedName(graph.node(other)), own)
        }
        return Selection(select: "fqn:" + own.joined(separator: "."), exclude: longer.map { "fqn:" + qualifiedName(graph.node($0)).joined(separator: ".") })
    }

    /// The line for `id` of `graph`, a stage named `stage`; `command` is dbt's (`run`, `test`, …).
    func line(for id: String, command: String, stage: String, in graph: DbtGraph) -> String {
        let selection = Self.selection(of: id, in: graph)
        let place = Self.place(stage)
        return words([invocation.program, command, "--select", selection.select] + selection.exclude.flatMap { ["--exclude", $0] })
            + " --target-path \(place) --log-path \(place) --partial-parse-file-path "
            + Self.place(DbtImport.parseStage, file: "partial_parse.msgpack") + " --quiet --no-use-colors >&2"
    }

    /// The line of the stage that parses the project once for all the others.
    func parse(stage: String) -> String {
        let place = Self.place(stage)
        return words([invocation.program, "parse"]) + " --target-path \(place) --log-path \(place) --quiet --no-use-colors >&2"
    }

    /// The line of the connection check that runs before every other stage (`dbt debug`
    /// writes no target files, only its log).
    func connectionCheck(stage: String) -> String {
        words([invocation.program, "debug", "--connection"]) + " --log-path \(Self.place(stage)) --no-use-colors >&2"
    }

    /// `argv` and the project arguments, quoted for the shell.
    private func words(_ argv: [String]) -> String {
        (argv + invocation.projectArguments).map(Self.quoted).joined(separator: " ")
    }

    /// The stage's directory under the run directory, as a shell word.
    private static func place(_ stage: String, file: String? = nil) -> String {
        "\"$MPIBATCH_OUT/dbt/\(stage)" + (file.map { "/" + $0 } ?? "") + "\""
    }

    /// `node`'s fully qualified name split at dots as dbt splits it; `[package, name]` when the
    /// manifest has no `fqn`.
    static func qualifiedName(_ node: DbtManifest.Node) -> [String] {
        let fqn = node.fqn.isEmpty ? [node.packageName, node.name].filter { !$0.isEmpty } : node.fqn
        return fqn.flatMap { $0.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }
    }

    /// Whether `name` is longer than `prefix` and starts with it (so `fqn:prefix` selects it too).
    private static func extends(_ name: [String], _ prefix: [String]) -> Bool {
        name.count > prefix.count && Array(name.prefix(prefix.count)) == prefix
    }

    /// `word` as one shell word: as it is when it holds only characters the shell leaves alone,
    /// else in single quotes.
    static func quoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "_./:=@%+,-".unicodeScalars.contains(scalar))
        }
        return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

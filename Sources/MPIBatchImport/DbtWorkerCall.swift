import Foundation

/// The lines of one imported stage run by a persistent dbt worker (the default form):
/// `python: "mpibatch_dbt:node"`, shipped inside mpibatch, under the Python that runs dbt.
/// One worker per host (per run on a single-writer warehouse) imports dbt and parses the
/// project once, and runs every node of the job on that parse, the other workers sending it
/// theirs (a stage naming the same worker takes the slot's live one): one dbt start-up per
/// host, not per node or slot. `args:` say the node
/// (its unique id, which the worker's session runs, and its selection, for a worker without
/// one), `env:` the project and the partial parse the workers start from (the same for every
/// stage, so every stage names the same worker).
struct DbtWorkerCall {
    /// The function every stage calls.
    static let function = "mpibatch_dbt:node"

    let invocation: DbtInvocation
    /// The Python that imports dbt (`python_program:`).
    let interpreter: String
    /// The project's `partial_parse.msgpack` (beside the manifest), which each worker copies
    /// before its parse, so that dbt parses only what changed since; nil when there is none.
    var partialParse: String?
    /// The adapter, when its database is a single writer's (`duckdb`, `sqlite`): one worker
    /// then holds it for the run and the others send it their nodes; nil for other warehouses.
    var singleWriter: String?

    /// The action lines of a stage that runs dbt's `command` (`run`, `test`, …, or `debug`
    /// and `parse` for the first two stages) on `node` (its unique id and selection), as stage `stage`.
    func lines(command: String, node: (id: String, selection: DbtStageCommand.Selection)? = nil, stage: String) -> [String] {
        var arguments = [("command", command)]
        if let node {
            arguments.append(("select", node.selection.select))
            if !node.selection.exclude.isEmpty { arguments.append(("exclude", node.selection.exclude.joined(separator: " "))) }
            arguments.append(("node", node.id))
        }
        arguments.append(("stage", stage))
        var environment = [("MPIBATCH_DBT_PROJECT", Self.jsonList(invocation.projectArguments(withExtra: false)))]
        if !invocation.extraArguments.isEmpty { environment.append(("MPIBATCH_DBT_ARGS", Self.jsonList(invocation.extraArguments))) }
        if let partialParse { environment.append(("MPIBATCH_DBT_PARTIAL_PARSE", partialParse)) }
        if let singleWriter { environment.append(("MPIBATCH_DBT_SINGLE_WRITER", singleWriter)) }
        return [
            "    python: \(DbtJobText.string(Self.function))", "    python_program: \(DbtJobText.string(interpreter))",
            "    args: {" + arguments.map { "\($0.0): \(DbtJobText.string(DbtJobText.literalTemplate($0.1)))" }.joined(separator: ", ") + "}",
            "    env: {" + environment.map { "\($0.0): \(DbtJobText.string(DbtJobText.literalTemplate($0.1)))" }.joined(separator: ", ") + "}",
        ]
    }

    /// `words` as a JSON list.
    private static func jsonList(_ words: [String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: words, options: [.withoutEscapingSlashes])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

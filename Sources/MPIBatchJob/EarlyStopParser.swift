import Yams

/// Reads `stop_when:` and `race:` of a sweep job or a stage into an `EarlyStopSpec`:
/// `stop_when: {status: ok}` or `stop_when: "value.FIELD OP NUMBER"` (OP one of
/// `<`, `<=`, `>`, `>=`, `==`, `!=`), or `race: true` (which means `status: ok`).
struct EarlyStopParser {
    let reader: NodeReader

    /// The keys it reads.
    static let keys = ["stop_when", "race"]

    /// The spec from the `stop_when:` and `race:` entries (either may be missing), or nil when neither is given.
    func parse(stopWhen: (keyNode: Node, value: Node)?, race: (keyNode: Node, value: Node)?) throws(JobFileError) -> EarlyStopSpec? {
        let racing = try race.map { (entry) throws(JobFileError) in try flag(entry.value) } ?? false
        if racing, let stopWhen {
            throw reader.error(at: stopWhen.keyNode, "race: true already stops at the first success; drop stop_when: or race:")
        }
        if racing { return EarlyStopSpec(condition: .succeeded, race: true) }
        guard let stopWhen else { return nil }
        return EarlyStopSpec(condition: try condition(stopWhen.value), race: false)
    }

    private func condition(_ node: Node) throws(JobFileError) -> StopCondition {
        if node.mapping != nil {
            let entries = try reader.mapping(node, "stop_when", allowed: ["status"])
            guard let status = entries.first else { throw reader.error(at: node, "stop_when is empty: give status: ok or a comparison such as \"value < 1e-6\"") }
            let text = try reader.string(status.value, "status")
            guard text == "ok" else {
                throw reader.error(at: status.value, "stop_when status '\(text)' is not supported: the condition is status: ok (the first success)")
            }
            return .succeeded
        }
        let text = try reader.string(node, "stop_when")
        switch StopCondition.parse(comparison: text) {
        case .success(let condition): return condition
        case .failure(let problem): throw reader.error(at: node, "stop_when: " + problem.reason)
        }
    }

    private func flag(_ node: Node) throws(JobFileError) -> Bool {
        switch try reader.string(node, "race") {
        case "true", "yes": return true
        case "false", "no": return false
        case let text: throw reader.error(at: node, "race must be true or false, not '\(text)'")
        }
    }
}

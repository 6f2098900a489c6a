/// The part of dbt's node selection syntax `mpibatch import dbt --select` understands:
/// `name`, `+name` (with its ancestors), `name+` (with its descendants), `+name+`, and
/// `tag:TAG`; several selectors (space- or comma-separated, or repeated options) are a union.
struct DbtSelection {
    private let selectors: [String]

    /// The selection of `selectors`; none selects everything.
    init(_ selectors: [String]) {
        self.selectors = selectors.flatMap { $0.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init) }
    }

    /// The ids of `graph`'s nodes selected, or an error naming a selector that matches nothing.
    func select(in graph: DbtGraph, manifestPath: String) throws(DbtImportError) -> Set<String> {
        guard !selectors.isEmpty else { return Set(graph.ids) }
        var chosen = Set<String>()
        for selector in selectors {
            var core = Substring(selector)
            let ancestors = core.hasPrefix("+")
            let descendants = core.hasSuffix("+")
            if ancestors { core = core.dropFirst() }
            if descendants { core = core.dropLast() }
            let matched: [String]
            if core.hasPrefix("tag:") {
                let tag = String(core.dropFirst(4))
                matched = graph.ids.filter { graph.node($0).tags.contains(tag) }
            } else {
                matched = graph.ids.filter { graph.node($0).name == core }
            }
            guard !matched.isEmpty else {
                throw DbtImportError(path: manifestPath, reason: "--select \(selector): no model, seed, snapshot or test matches")
            }
            for id in matched {
                chosen.insert(id)
                if ancestors { chosen.formUnion(graph.closure(from: id, following: graph.parents)) }
                if descendants { chosen.formUnion(graph.closure(from: id, following: graph.children)) }
            }
        }
        return chosen
    }
}

import Yams

/// Reads the job's `limits:` and a task's or stage's `uses:` against them.
struct LimitsParser {
    let reader: NodeReader

    /// `limits: {db: 4, licence: 2}`: names as stage names are, counts whole numbers ≥ 1.
    func limits(_ node: Node) throws(JobFileError) -> NamedLimits {
        var limits: [NamedLimits.Limit] = []
        for entry in try reader.mapping(node, "limits") {
            guard NameRule.isValid(entry.key) else {
                throw reader.error(at: entry.keyNode, "limit name '\(entry.key)' must be \(NameRule.description)")
            }
            let capacity = try count(entry.value, "limit '\(entry.key)'")
            limits.append(NamedLimits.Limit(name: entry.key, capacity: capacity, place: reader.place(of: entry.value)))
        }
        return NamedLimits(limits: limits)
    }

    /// `uses: [db]` (one unit each) or `uses: {db: 2}`: every name one of `limits`, no count
    /// above its limit's (such a task could never start).
    func uses(_ node: Node, limits: NamedLimits) throws(JobFileError) -> LimitUses {
        var asked: [(name: String, nameNode: Node, units: Int, unitsNode: Node)] = []
        if node.sequence != nil {
            for item in try reader.sequence(node, "uses") {
                asked.append((try reader.string(item, "a limit name"), item, 1, item))
            }
        } else if node.mapping != nil {
            for entry in try reader.mapping(node, "uses") {
                asked.append((entry.key, entry.keyNode, try count(entry.value, "uses '\(entry.key)'"), entry.value))
            }
        } else {
            throw reader.error(at: node, "uses must be a list of limit names ([db]) or a mapping of names to units ({db: 2})")
        }
        var uses: [LimitUses.Use] = []
        for item in asked {
            guard let number = limits.number(named: item.name) else {
                let declared = limits.limits.map(\.name)
                let known = declared.isEmpty ? "the job declares no limits: (add limits: {\(item.name): N} at the top level)"
                    : "the job's limits: " + declared.joined(separator: ", ")
                throw reader.error(
                    at: item.nameNode, "unknown limit '\(item.name)' (\(known))" + DidYouMean.suffix(for: item.name, among: declared))
            }
            guard !uses.contains(where: { $0.limit == number }) else {
                throw reader.error(at: item.nameNode, "limit '\(item.name)' is named twice; give its units once, as uses: {\(item.name): N}")
            }
            let limit = limits.limits[number]
            guard item.units <= limit.capacity else {
                throw reader.error(
                    at: item.unitsNode,
                    "uses \(item.units) of limit '\(item.name)', which has \(limit.capacity) (\(limit.place)): no task could ever start")
            }
            uses.append(LimitUses.Use(limit: number, name: item.name, units: item.units, capacity: limit.capacity))
        }
        return LimitUses(uses: uses)
    }

    /// A count: a whole number ≥ 1 written as a plain number.
    private func count(_ node: Node, _ what: String) throws(JobFileError) -> Int {
        guard let scalar = node.scalar, scalar.style == .plain, let value = Int(scalar.string) else {
            throw reader.error(at: node, "\(what) must be a whole number ≥ 1, not '\(node.scalar?.string ?? "a collection")'")
        }
        guard value >= 1 else { throw reader.error(at: node, "\(what) must be a whole number ≥ 1, not \(value)") }
        return value
    }
}

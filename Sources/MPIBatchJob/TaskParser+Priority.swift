import Yams

extension TaskParser {
    /// `priority: 10` (any number, negative included), or, where `priorityMayNameParameters`,
    /// one parameter of the sweep whose every value is a number: `priority: "{mesh}"`.
    func priority(_ node: Node) throws(JobFileError) -> TaskPriority {
        if let scalar = node.scalar, scalar.style == .plain, let value = Double(scalar.string) {
            guard value.isFinite else { throw reader.error(at: node, "priority must be a finite number, not \(scalar.string)") }
            return .fixed(value)
        }
        let parsed = try template(node, "priority")
        guard priorityMayNameParameters else {
            throw reader.error(
                at: node,
                "a stage's priority must be a number such as 10 (it orders stages), not '\(parsed.source)'")
        }
        guard case .parameter(let number)? = parsed.singleReference else {
            throw reader.error(
                at: node, "priority must be a number such as 10, or one parameter such as \"{mesh}\", not '\(parsed.source)'")
        }
        let parameter = space.parameters[number]
        guard parameter.column.isNumeric else {
            throw reader.error(at: node, "priority: parameter '\(parameter.name)' must have numbers only (\(parameter.column.summary))")
        }
        return .parameter(number)
    }
}

extension ParameterColumn {
    /// Whether every value is a number (O(1) but for a list, which the file wrote out anyway).
    var isNumeric: Bool {
        switch self {
        case .integers, .reals, .linspace, .logspace: true
        case .list(let values): values.allSatisfy { $0.doubleValue != nil }
        }
    }
}

import Foundation

/// `stop_when:` of a sweep or stage: a condition on one task's result, checked on rank 0
/// as results arrive. `status: ok` holds for the first success; a comparison holds for a
/// successful task whose value (or a field of it: `value.residual`) is a number that
/// compares so with the bound.
public enum StopCondition: Sendable, Equatable, CustomStringConvertible {
    /// `status: ok`: the first task that succeeds (also what `race: true` means).
    case succeeded
    /// `value[.field…] OP bound`.
    case comparison(path: [String], operator: ComparisonOperator, bound: Double)

    /// A comparison's operator.
    public enum ComparisonOperator: String, Sendable, CaseIterable {
        case lessOrEqual = "<=", greaterOrEqual = ">=", equal = "==", notEqual = "!=", less = "<", greater = ">"

        /// Whether `left OP right`.
        package func holds(_ left: Double, _ right: Double) -> Bool {
            switch self {
            case .less: left < right
            case .lessOrEqual: left <= right
            case .greater: left > right
            case .greaterOrEqual: left >= right
            case .equal: left == right
            case .notEqual: left != right
            }
        }
    }

    /// `value.residual < 1e-06` or `status: ok`, as written in a job file.
    public var description: String {
        switch self {
        case .succeeded: "status: ok"
        case .comparison(let path, let comparison, let bound):
            (["value"] + path).joined(separator: ".") + " \(comparison.rawValue) \(bound)"
        }
    }

    /// Reads `value.FIELD OP NUMBER`; nil with the reason when it is not one.
    public static func parse(comparison text: String) -> Result<StopCondition, StopConditionError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let found = ComparisonOperator.allCases.lazy.compactMap({ op in trimmed.range(of: op.rawValue).map { (op, $0) } }).first
        else { return .failure(StopConditionError(reason: "no comparison in '\(text)': write value OP number, OP one of < <= > >= == !=")) }
        let (comparison, range) = found
        let left = trimmed[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
        let right = trimmed[range.upperBound...].trimmingCharacters(in: .whitespaces)
        let path = left.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard path.first == "value", path.dropFirst().allSatisfy({ !$0.isEmpty }) else {
            return .failure(StopConditionError(reason: "'\(left)' is not value or value.FIELD (stop_when compares a task's value)"))
        }
        guard let bound = Double(right), bound.isFinite else {
            return .failure(StopConditionError(reason: "'\(right)' is not a finite number to compare with"))
        }
        return .success(.comparison(path: Array(path.dropFirst()), operator: comparison, bound: bound))
    }
}

/// Why a `stop_when:` comparison could not be read.
public struct StopConditionError: Error, Sendable {
    /// What is wrong.
    public let reason: String
}

/// A sweep's or stage's early stop as declared: `stop_when:`, or `race: true`.
public struct EarlyStopSpec: Sendable, Equatable {
    /// What ends it.
    public var condition: StopCondition
    /// `race: true`: the tasks are alternatives and the first success wins.
    public var race: Bool

    /// Makes a spec; the job loader does this.
    public init(condition: StopCondition, race: Bool) {
        self.condition = condition
        self.race = race
    }
}

import MPIBatchJob

/// A kernel's `params:`, read with checks whose errors name the kernel and the parameter.
public struct MonteCarloParameters: Sendable {
    /// The kernel these parameters are for.
    public let kernel: String
    /// The raw values by name.
    public let values: [String: Double]

    /// The parameters `values` of kernel `kernel`.
    public init(kernel: String, values: [String: Double]) {
        self.kernel = kernel
        self.values = values
    }

    /// Rejects any parameter not in `known`, so that a misspelt name is not silently ignored.
    public func allowOnly(_ known: Set<String>) throws(MonteCarloSpecError) {
        for name in values.keys.sorted() where !known.contains(name) {
            let expected = known.isEmpty ? "takes no parameters" : "takes \(known.sorted().joined(separator: ", "))"
            throw MonteCarloSpecError(field: "params.\(name)", message: "kernel '\(kernel)' \(expected); unknown '\(name)'")
        }
    }

    /// The finite value of `name` satisfying `requirement` (described as e.g. `> 0`);
    /// `fallback` if absent, an error if absent with no fallback.
    public func number(
        _ name: String, default fallback: Double? = nil, _ requirement: Requirement = .finite
    ) throws(MonteCarloSpecError) -> Double {
        guard let value = values[name] ?? fallback else {
            throw MonteCarloSpecError(field: "params.\(name)", message: "kernel '\(kernel)' needs parameter '\(name)'")
        }
        guard value.isFinite, requirement.accepts(value) else {
            throw MonteCarloSpecError(
                field: "params.\(name)",
                message: "kernel '\(kernel)' needs \(name) \(requirement.description), got \(value)")
        }
        return value
    }

    /// A whole number of `name` that is at least `minimum`.
    public func integer(_ name: String, default fallback: Int? = nil, atLeast minimum: Int) throws(MonteCarloSpecError) -> Int {
        let value = try number(name, default: fallback.map(Double.init), .integer(atLeast: minimum))
        return Int(value)
    }

    /// A condition a parameter's value must meet.
    public enum Requirement: Sendable, CustomStringConvertible {
        /// Any finite number.
        case finite
        /// Greater than zero.
        case positive
        /// Zero or more.
        case nonNegative
        /// A whole number of at least this (and at most 2^53).
        case integer(atLeast: Int)
        /// 0 or 1.
        case flag

        func accepts(_ value: Double) -> Bool {
            switch self {
            case .finite: true
            case .positive: value > 0
            case .nonNegative: value >= 0
            case .integer(let minimum): value == value.rounded() && value >= Double(minimum) && value <= 0x1p53
            case .flag: value == 0 || value == 1
            }
        }

        /// `> 0`, `≥ 0`, `a whole number ≥ 1`, ….
        public var description: String {
            switch self {
            case .finite: "finite"
            case .positive: "> 0"
            case .nonNegative: "≥ 0"
            case .integer(let minimum): "a whole number ≥ \(minimum)"
            case .flag: "0 or 1"
            }
        }
    }
}

import MPIBatchCore

/// One parameter's value for one task: `mesh: 16`, `tol: 1e-3`, `label: fine`.
public enum ParameterValue: Sendable, Hashable, CustomStringConvertible {
    case integer(Int)
    case real(Double)
    case string(String)

    /// The value as a template substitutes it: `16`, `0.001`, `fine`.
    public var description: String {
        switch self {
        case .integer(let value): String(value)
        case .real(let value): value.description
        case .string(let value): value
        }
    }

    /// The value as a number, if it is one or is a string that reads as one.
    public var doubleValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .real(let value): value
        case .string(let value): Double(value)
        }
    }

    /// Writes the value as a JSON number or string.
    public func write(to json: inout JSONWriter) {
        switch self {
        case .integer(let value): json.value(value)
        case .real(let value): json.value(value)
        case .string(let value): json.value(value)
        }
    }
}

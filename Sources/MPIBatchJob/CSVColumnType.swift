/// A `types:` entry beside `table:`: how one CSV column's fields become values.
/// Undeclared columns are `text`, so `007` stays `007` and `1e3` stays `1e3`.
public enum CSVColumnType: String, CaseIterable, Sendable {
    /// The field as written (the default).
    case text
    /// A whole number (`Int`).
    case integer
    /// A finite floating-point number.
    case real
    /// An integer when the field reads as one, else a real (the YAML rule for plain scalars).
    case number

    /// `field` as a value of this type; nil when it does not read as one.
    func value(_ field: String) -> ParameterValue? {
        switch self {
        case .text: return .string(field)
        case .integer: return Int(field).map { .integer($0) }
        case .real: return Double(field).flatMap { $0.isFinite ? .real($0) : nil }
        case .number:
            let parsed = ParameterValue(parsing: field)
            if case .string = parsed { return nil }
            return parsed
        }
    }
}

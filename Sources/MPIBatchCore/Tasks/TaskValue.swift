/// What one task produced: the `value` field of its `results.jsonl` line.
public enum TaskValue: Sendable, Equatable {
    /// No value (`null`).
    case none
    /// A number.
    case number(Double)
    /// Several numbers, e.g. a Monte Carlo block's accumulator; written as a JSON array.
    case numbers([Double])
    /// A string, e.g. the last line of a command's stdout.
    case text(String)
    /// A JSON document the task printed, kept verbatim.
    case json(String)
}

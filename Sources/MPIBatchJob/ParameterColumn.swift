import Foundation

/// One parameter's values along its axis, computed from the position alone —
/// never materialised unless the file listed them.
public enum ParameterColumn: Sendable, Equatable {
    /// Values written out in the file (a list, a `zip` list or a CSV column).
    case list([ParameterValue])
    /// `{range: [start, stop, step]}` over integers: `start + k·step`.
    case integers(start: Int, step: Int, count: Int)
    /// `{range: [start, stop, step]}` over reals: `start + k·step`.
    case reals(start: Double, step: Double, count: Int)
    /// `{linspace: [a, b, n]}`: n evenly spaced values from a to b inclusive.
    case linspace(start: Double, stop: Double, count: Int)
    /// `{logspace: [a, b, n]}`: 10^x for x in `linspace(a, b, n)`.
    case logspace(start: Double, stop: Double, count: Int)

    /// How many values there are.
    public var count: Int {
        switch self {
        case .list(let values): values.count
        case .integers(_, _, let count), .reals(_, _, let count), .linspace(_, _, let count),
            .logspace(_, _, let count):
            count
        }
    }

    /// The value at `position` (`0..<count`).
    @inline(__always)
    public func value(at position: Int) -> ParameterValue {
        switch self {
        case .list(let values): values[position]
        case .integers(let start, let step, _): .integer(start + position * step)
        case .reals(let start, let step, _): .real(start + Double(position) * step)
        case .linspace(let start, let stop, let count): .real(Self.interpolate(start, stop, position, count))
        case .logspace(let start, let stop, let count):
            .real(Foundation.pow(10, Self.interpolate(start, stop, position, count)))
        }
    }

    /// `[16, 32, 64]`, `range 100..<500 step 200 (2 values)`, …: what `plan` shows.
    public var summary: String {
        switch self {
        case .list(let values) where values.count <= 8:
            "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .list(let values):
            "[\(values[0]), \(values[1]), … \(values[values.count - 1])] (\(values.count) values)"
        case .integers(let start, let step, let count):
            "range \(start)..<\(start + count * step) step \(step) (\(count) values)"
        case .reals(let start, let step, let count):
            "range \(start) … \(value(at: count - 1)) step \(step) (\(count) values)"
        case .linspace(let start, let stop, let count): "linspace \(start) … \(stop) (\(count) values)"
        case .logspace(let start, let stop, let count): "logspace 1e\(start) … 1e\(stop) (\(count) values)"
        }
    }

    private static func interpolate(_ start: Double, _ stop: Double, _ position: Int, _ count: Int) -> Double {
        count == 1 ? start : start + (stop - start) * Double(position) / Double(count - 1)
    }
}

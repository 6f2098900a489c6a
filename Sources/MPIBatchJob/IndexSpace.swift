import MPIBatchCore

/// A sweep's task index space: a mixed-radix number whose digits are the axes.
///
/// Axes come in file order — `grid` keys, then `zip`, then `table`, then
/// `repeat` — and the **last axis varies fastest**, as in nested loops written
/// top to bottom; replicates of one parameter point are therefore adjacent.
/// Task `i`'s parameters are computed from `i` in O(axes); nothing is materialised.
public struct IndexSpace: Sendable {
    /// One named parameter and the axis it moves along.
    public struct Parameter: Sendable {
        /// Its name, as templates write it: `{mesh}`.
        public let name: String
        /// Its values along the axis.
        public let column: ParameterColumn
        /// The axis it belongs to (several parameters share one axis in `zip` and `table`).
        public let axis: Int
    }

    /// The parameters, in the order they are written to `results.jsonl`.
    public let parameters: [Parameter]
    /// Values per axis.
    public let axisCounts: [Int]
    /// Index distance between neighbours along each axis.
    public let axisStrides: [Int]
    /// How many tasks: the product of the axis counts.
    public let taskCount: Int
    /// Each parameter's key as `results.jsonl` writes it (`"name":`), quoted once.
    private let quotedKeys: [[UInt8]]

    /// An index space over `axes`, each a list of (name, column) of equal counts.
    /// Returns nil when the task count overflows `Int`.
    package init?(axes: [[(name: String, column: ParameterColumn)]]) {
        var parameters: [Parameter] = []
        var counts: [Int] = []
        for (axis, members) in axes.enumerated() {
            counts.append(members[0].column.count)
            parameters += members.map { Parameter(name: $0.name, column: $0.column, axis: axis) }
        }
        var strides = [Int](repeating: 1, count: counts.count)
        var total = 1
        for axis in counts.indices.reversed() {
            strides[axis] = total
            let (product, overflow) = total.multipliedReportingOverflow(by: counts[axis])
            if overflow { return nil }
            total = product
        }
        self.parameters = parameters
        self.axisCounts = counts
        self.axisStrides = strides
        self.taskCount = total
        quotedKeys = parameters.map { JSONWriter.quotedKey($0.name) }
    }

    /// Parameter number `parameter`'s value for task `index`.
    @inline(__always)
    public func value(of parameter: Int, at index: Int) -> ParameterValue {
        let entry = parameters[parameter]
        return entry.column.value(at: (index / axisStrides[entry.axis]) % axisCounts[entry.axis])
    }

    /// Task `index`'s parameters by name, in order.
    public func parameters(of index: Int) -> [(name: String, value: ParameterValue)] {
        parameters.indices.map { (parameters[$0].name, value(of: $0, at: index)) }
    }

    /// The position of the parameter called `name`, if there is one.
    public func parameterNumber(named name: String) -> Int? {
        parameters.firstIndex { $0.name == name }
    }

    /// Writes task `index`'s parameters as one JSON object.
    public func writeParameters(of index: Int, to json: inout JSONWriter) {
        json.beginObject()
        for number in parameters.indices {
            json.key(quoted: quotedKeys[number])
            value(of: number, at: index).write(to: &json)
        }
        json.endObject()
    }
}

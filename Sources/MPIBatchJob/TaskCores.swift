/// `cores:` — how many slots of one rank each task of a sweep occupies
/// (its threads, e.g. an OpenMP program's `OMP_NUM_THREADS`).
public struct TaskCores: Sendable, Equatable {
    /// Where the count comes from.
    public enum Source: Sendable, Equatable {
        /// `cores: 4`: the same for every task.
        case fixed(Int)
        /// `cores: "{threads}"`, or a task file's `#MPIBATCH cores=N` lines: the
        /// index space's parameter number n, whose every value is a whole number ≥ 1.
        case parameter(Int)
    }

    /// Where the count comes from.
    public let source: Source
    /// The most cores any task asks for: checked against the slots of every rank before work starts.
    public let largest: Int
    /// `path:line:col` of the declaration, for that check's message (empty for the default).
    public let place: String

    /// One core per task: the default.
    public static let one = TaskCores(source: .fixed(1), largest: 1, place: "")

    /// Makes a declaration; the job loader does this.
    public init(source: Source, largest: Int, place: String) {
        self.source = source
        self.largest = largest
        self.place = place
    }

    /// The cores task `index` of `space` takes.
    @inline(__always)
    public func count(at index: Int, in space: IndexSpace) -> Int {
        switch source {
        case .fixed(let count): count
        case .parameter(let number): space.value(of: number, at: index).integerValue ?? 1
        }
    }
}

extension ParameterValue {
    /// The value as a whole number: an integer, or a string that reads as one (a CSV column of text).
    public var integerValue: Int? {
        switch self {
        case .integer(let value): value
        case .real: nil
        case .string(let text): Int(text)
        }
    }
}

extension ParameterColumn {
    /// The smallest and largest values when every value is a whole number; nil otherwise.
    /// O(1) for a range, O(values) for a list (which the file wrote out anyway).
    public var integerBounds: ClosedRange<Int>? {
        switch self {
        case .integers(let start, let step, let count):
            return count > 0 ? start...(start + (count - 1) * step) : nil
        case .list(let values):
            var low = Int.max, high = Int.min
            for value in values {
                guard let integer = value.integerValue else { return nil }
                low = Swift.min(low, integer)
                high = Swift.max(high, integer)
            }
            return values.isEmpty ? nil : low...high
        case .reals, .linspace, .logspace:
            return nil
        }
    }
}

extension TaskCores {
    /// What `plan` says about multi-core tasks; nil when every task takes one core.
    public func planLine(space: IndexSpace) -> String? {
        guard largest > 1 else { return nil }
        let how = switch source {
        case .fixed(let count): "\(count) per task"
        case .parameter(let number): "from '\(space.parameters[number].name)', up to \(largest)"
        }
        return "cores: \(how) (a task takes that many slots of one rank and gets OMP_NUM_THREADS; needs --slots ≥ \(largest))"
    }
}

extension ParameterColumn {
    /// `integer`, `real`, `text`, or the kinds a list mixes (`integer|text`): what `plan` shows.
    public var typeName: String {
        switch self {
        case .integers: return "integer"
        case .reals, .linspace, .logspace: return "real"
        case .list(let values):
            var kinds: Set<String> = []
            for value in values {
                switch value {
                case .integer: kinds.insert("integer")
                case .real: kinds.insert("real")
                case .string: kinds.insert("text")
                }
                if kinds.count == 3 { break }
            }
            return ["integer", "real", "text"].filter(kinds.contains).joined(separator: "|")
        }
    }
}

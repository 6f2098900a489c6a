/// Count, mean, sum of squared deviations (M2), minimum and maximum of a set of
/// path values: Welford's update path by path, Chan et al.'s formula to merge
/// two sets. Merging in a fixed order gives bit-identical results.
public struct MonteCarloAccumulator: Sendable, Equatable {
    /// How many values were added.
    public private(set) var count: Int = 0
    /// Their mean (0 when empty).
    public private(set) var mean: Double = 0
    /// The sum of squared deviations from the mean.
    public private(set) var m2: Double = 0
    /// The smallest value (+∞ when empty).
    public private(set) var minimum: Double = .infinity
    /// The largest value (−∞ when empty).
    public private(set) var maximum: Double = -.infinity

    /// An empty accumulator.
    public init() {}

    /// Adds one value (Welford).
    public mutating func add(_ value: Double) {
        count &+= 1
        let delta = value - mean
        mean += delta / Double(count)
        m2 += delta * (value - mean)
        minimum = Swift.min(minimum, value)
        maximum = Swift.max(maximum, value)
    }

    /// Folds `other` in after the values already here (Chan et al.).
    public mutating func merge(_ other: MonteCarloAccumulator) {
        guard other.count > 0 else { return }
        guard count > 0 else {
            self = other
            return
        }
        let total = Double(count + other.count)
        let delta = other.mean - mean
        mean += delta * (Double(other.count) / total)
        m2 += other.m2 + delta * delta * (Double(count) * Double(other.count) / total)
        count += other.count
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
    }

    /// The unbiased sample variance (0 with fewer than two values).
    public var variance: Double { count > 1 ? m2 / Double(count - 1) : 0 }

    /// The standard error of the mean.
    public var standardError: Double { count > 1 ? (variance / Double(count)).squareRoot() : 0 }

    /// `[count, mean, m2, min, max]`: the task value of a Monte Carlo block.
    /// Doubles are carried as they are, so decoding gives back the same bits.
    public var taskValue: TaskValue { .numbers([Double(count), mean, m2, minimum, maximum]) }

    /// Decodes a block's task value; nil if it is not one.
    public init?(_ value: TaskValue) {
        guard case .numbers(let numbers) = value, numbers.count == 5,
            let count = Int(exactly: numbers[0]), count >= 0
        else { return nil }
        self.count = count
        mean = numbers[1]
        m2 = numbers[2]
        minimum = numbers[3]
        maximum = numbers[4]
    }
}

import MPIBatchCore

/// Count, mean, sum of squared deviations (M2), minimum and maximum of a set of
/// path values: Welford's update path by path, Chan et al.'s formula to merge
/// two sets. Merging in a fixed order gives bit-identical results.
///
/// Inlinable: kernels (another target) add to it once per path.
public struct MonteCarloAccumulator: Sendable, Equatable {
    /// How many values were added.
    @inlinable public var count: Int { storedCount }
    /// Their mean (0 when empty).
    @inlinable public var mean: Double { storedMean }
    /// The sum of squared deviations from the mean.
    @inlinable public var m2: Double { storedM2 }
    /// The smallest value (+∞ when empty).
    @inlinable public var minimum: Double { storedMinimum }
    /// The largest value (−∞ when empty).
    @inlinable public var maximum: Double { storedMaximum }

    // Stored apart from their public getters, so that the inlinable `add` may set them.
    @usableFromInline var storedCount = 0
    @usableFromInline var storedMean = 0.0
    @usableFromInline var storedM2 = 0.0
    @usableFromInline var storedMinimum = Double.infinity
    @usableFromInline var storedMaximum = -Double.infinity

    /// An empty accumulator.
    @inlinable public init() {}

    /// Adds one value (Welford).
    @inlinable public mutating func add(_ value: Double) {
        storedCount &+= 1
        let delta = value - storedMean
        storedMean += delta / Double(storedCount)
        storedM2 += delta * (value - storedMean)
        storedMinimum = Swift.min(storedMinimum, value)
        storedMaximum = Swift.max(storedMaximum, value)
    }

    /// Folds `other` in after the values already here (Chan et al.).
    @inlinable public mutating func merge(_ other: MonteCarloAccumulator) {
        guard other.count > 0 else { return }
        guard storedCount > 0 else {
            self = other
            return
        }
        let total = Double(storedCount + other.count)
        let delta = other.mean - storedMean
        storedMean += delta * (Double(other.count) / total)
        storedM2 += other.m2 + delta * delta * (Double(storedCount) * Double(other.count) / total)
        storedCount += other.count
        storedMinimum = Swift.min(storedMinimum, other.minimum)
        storedMaximum = Swift.max(storedMaximum, other.maximum)
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
        storedCount = count
        storedMean = numbers[1]
        storedM2 = numbers[2]
        storedMinimum = numbers[3]
        storedMaximum = numbers[4]
    }
}

import MPIBatchCore
import MPIBatchJob
import MPIBatchJournal
import MPIBatchPlan
import MPIBatchRuntime
import MPIBatchScheduling

/// The path values a user's model returned for one block, checked before they count: as
/// many as the block has paths, every one finite. A block that fails either is a failed
/// task (never averaged in); its error says how many values were wrong and where.
struct MonteCarloBlockValues {
    /// The block's index.
    let block: Int
    /// Its paths.
    let paths: Range<Int>
    /// The model, for messages.
    let model: String

    /// The block's accumulator from `value` (the worker's float64 values), in path order;
    /// `observe` sees each path and its value (for `paths_out:`).
    func accumulate(_ value: TaskValue, observe: (UInt64, Double) -> Void = { _, _ in }) throws(MonteCarloBlockError) -> MonteCarloAccumulator {
        guard case .numbers(let values) = value else {
            throw fail("returned no float64 values (a worker answers a block with \"float64\": n and a float64 frame), got \(Self.describe(value))")
        }
        guard values.count == paths.count else {
            throw fail("returned \(values.count) values, expected \(paths.count)")
        }
        var accumulator = MonteCarloAccumulator()
        var nan = 0, positive = 0, negative = 0
        var firstBad: Int?
        for (offset, value) in values.enumerated() {
            guard value.isFinite else {
                if value.isNaN { nan += 1 } else if value > 0 { positive += 1 } else { negative += 1 }
                firstBad = firstBad ?? paths.lowerBound + offset
                continue
            }
            if firstBad == nil {
                accumulator.add(value)
                observe(UInt64(paths.lowerBound + offset), value)
            }
        }
        if let firstBad {
            let counts = [(nan, "NaN"), (positive, "+inf"), (negative, "-inf")].filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
            throw fail(
                "returned \(counts.joined(separator: ", ")) among its \(values.count) values (the first at path \(firstBad)); "
                    + "the block is left out, never averaged (rerun it with --only-path \(firstBad))")
        }
        return accumulator
    }

    private func fail(_ what: String) -> MonteCarloBlockError {
        MonteCarloBlockError(description: "block \(block) (paths \(paths.lowerBound)..<\(paths.upperBound)) of \(model) \(what)")
    }

    private static func describe(_ value: TaskValue) -> String {
        switch value {
        case .none: "null"
        case .number(let number): "the number \(number)"
        case .numbers(let numbers): "\(numbers.count) numbers"
        case .text(let text), .json(let text): String(text.prefix(60))
        }
    }
}

/// A block of a user's Monte Carlo model whose values cannot count: the wrong number of
/// them, NaN or infinite ones, or no numbers at all.
public struct MonteCarloBlockError: Error, Sendable, CustomStringConvertible {
    /// Which block, which paths, which model, and what was wrong.
    public let description: String
}

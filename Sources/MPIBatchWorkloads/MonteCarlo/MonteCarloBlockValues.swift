import CLanes
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

    /// The block's accumulator from `value` (the worker's float64 values): `summary(of:)`'s,
    /// or, when it gives none (a value not finite), Welford's path by path, in path order;
    /// `observe` sees each path and its value (for `paths_out:`).
    func accumulate(_ value: TaskValue, observe: ((UInt64, Double) -> Void)? = nil) throws(MonteCarloBlockError) -> MonteCarloAccumulator {
        guard case .numbers(let values) = value else {
            throw fail("returned no float64 values (a worker answers a block with \"float64\": n and a float64 frame), got \(Self.describe(value))")
        }
        guard values.count == paths.count else {
            throw fail("returned \(values.count) values, expected \(paths.count)")
        }
        if let summary = Self.summary(of: values) {
            if let observe { for (offset, value) in values.enumerated() { observe(UInt64(paths.lowerBound + offset), value) } }
            return summary
        }
        let observe = observe ?? { _, _ in }
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

    /// The block's accumulator from the values of a worker's float64 frame, read where they
    /// were received (`bytes`: 8 a value, little-endian, not aligned): when they are all finite,
    /// `summary(of:)`'s, with no copy of them into an array (a copy of 65,536 values per block
    /// was an eighth of the rank's time on a vectorised model, on a core its workers need);
    /// otherwise `accumulate(_:)`'s, with the same checks and messages.
    func accumulate(float64s bytes: UnsafeRawBufferPointer) throws(MonteCarloBlockError) -> MonteCarloAccumulator {
        #if _endian(little)
        if bytes.count == paths.count * 8, let summary = Self.summary(of: bytes) { return summary }
        #endif
        return try accumulate(.numbers(WorkerFrame.float64s(bytes)))
    }

    /// `summary(of:)` of an array's values.
    static func summary(of values: [Double]) -> MonteCarloAccumulator? {
        values.withUnsafeBytes { summary(of: $0) }
    }

    /// Count, mean, M2, minimum and maximum of the values in `bytes` (native `Double`s, 8 bytes
    /// each, not necessarily aligned), in two passes over four lanes: the mean from their sum,
    /// M2 from the squared deviations from it (`clanes_block_summary`, vector code, the same
    /// bits on every CPU). A function of the values alone, so a block's accumulator is the same
    /// on any rank; Welford's update (a division per value, each waiting on the last) cost the
    /// rank a quarter of a vectorised model's own time, on a core the model's worker needs. nil
    /// when a value is not finite or a sum overflows (the caller then goes path by path).
    static func summary(of bytes: UnsafeRawBufferPointer) -> MonteCarloAccumulator? {
        let count = bytes.count / 8
        guard count > 0 else { return MonteCarloAccumulator() }
        var figures = [Double](repeating: 0, count: 5)
        guard clanes_block_summary(bytes.baseAddress, count, &figures) == 1 else { return nil }
        return MonteCarloAccumulator(.numbers(figures))
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

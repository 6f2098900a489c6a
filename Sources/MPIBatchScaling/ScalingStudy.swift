import Foundation
import MPIBatchCore
import MPIBatchReporting

/// A scaling study: the same job run at several rank counts, each run's wall time against
/// the one-rank run (or the smallest measured), speedup and efficiency per rank count, and
/// Amdahl's law fitted to them (the serial fraction f of S(N) = 1 ÷ (f + (1 − f) ÷ N)).
public struct ScalingStudy: Sendable, Codable {
    /// One rank count's run.
    public struct Point: Sendable, Codable {
        /// Ranks.
        public var ranks: Int
        /// Its run directory.
        public var directory: String
        /// Its wall seconds.
        public var wallSeconds: Double
        /// Its slots in all.
        public var slots: Int
        /// Baseline wall ÷ this wall, scaled to the baseline's ranks.
        public var speedup: Double
        /// Speedup ÷ ranks.
        public var efficiency: Double
        /// Amdahl's speedup at its rank count, with the study's fitted serial fraction.
        public var amdahlSpeedup = 0.0

        enum CodingKeys: String, CodingKey {
            case ranks, slots, wallSeconds = "wall_seconds", speedup, efficiency, amdahlSpeedup = "amdahl_speedup", directory
        }
    }

    /// The job's name.
    public var name: String
    /// The points, by rank count.
    public var points: [Point]
    /// Amdahl's serial fraction fitted by least squares to 1 ÷ S = f + (1 − f) ÷ N, in [0, 1].
    public var serialFraction: Double

    enum CodingKeys: String, CodingKey { case name, serialFraction = "serial_fraction", points }

    /// The study of the runs in `directories` (rank count → run directory), from their summaries.
    public init(name: String, runs: [(ranks: Int, directory: String)]) throws(RunFileError) {
        let sorted = runs.sorted { $0.ranks < $1.ranks }
        var measured: [(ranks: Int, directory: String, summary: RunSummary)] = []
        for run in sorted { measured.append((run.ranks, run.directory, try RunReport.load(directory: run.directory))) }
        guard let base = measured.first, base.summary.wallSeconds > 0 else {
            throw RunFileError(path: sorted.first?.directory ?? "", reason: "no run to measure against")
        }
        self.name = name
        points = measured.map { run in
            let speedup = Double(base.ranks) * base.summary.wallSeconds / max(run.summary.wallSeconds, 1e-12)
            return Point(
                ranks: run.ranks, directory: run.directory, wallSeconds: run.summary.wallSeconds,
                slots: run.summary.totalSlots, speedup: speedup, efficiency: speedup / Double(run.ranks))
        }
        serialFraction = Self.amdahl(points.map { (Double($0.ranks), $0.speedup) })
        for point in points.indices { points[point].amdahlSpeedup = amdahlSpeedup(at: Double(points[point].ranks)) }
    }

    /// Least squares on 1 ÷ S − 1 ÷ N = f (1 − 1 ÷ N); 0 with too few points to say.
    static func amdahl(_ points: [(ranks: Double, speedup: Double)]) -> Double {
        var numerator = 0.0
        var denominator = 0.0
        for (ranks, speedup) in points where ranks > 1 && speedup > 0 {
            let lever = 1 - 1 / ranks
            numerator += (1 / speedup - 1 / ranks) * lever
            denominator += lever * lever
        }
        return denominator > 0 ? min(1, max(0, numerator / denominator)) : 0
    }

    /// Runs a fit needs to test Amdahl's law: with fewer, one serial fraction always fits.
    static let runsToTestTheFit = 3

    /// What the fit cannot tell, when it was fitted to too few runs to test the law; nil otherwise.
    public var fitCaveat: String? {
        guard points.count < Self.runsToTestTheFit else { return nil }
        return "fitted to \(points.count) run\(points.count == 1 ? "" : "s") only: a serial fraction always fits so few, "
            + "so this does not test Amdahl's law; measure \(Self.runsToTestTheFit) or more rank counts"
    }

    /// Amdahl's speedup at `ranks` with the fitted serial fraction.
    public func amdahlSpeedup(at ranks: Double) -> Double { 1 / (serialFraction + (1 - serialFraction) / ranks) }

    /// `scaling.json`: one line of JSON with sorted keys.
    public func json() throws(ReportEncodingError) -> [UInt8] { try ReportCoding.encode(self) }

    /// The table, for the terminal.
    public func table() -> String {
        var lines = ["ranks  slots     wall s   speedup  efficiency"]
        for point in points {
            lines.append(
                String(repeating: " ", count: max(0, 5 - String(point.ranks).count)) + "\(point.ranks)  "
                    + String(repeating: " ", count: max(0, 5 - String(point.slots).count)) + "\(point.slots)  "
                    + pad(NumberText.fixed(point.wallSeconds), 9) + "  " + pad(NumberText.fixed(point.speedup), 8) + "  "
                    + pad(NumberText.fixed(point.efficiency * 100, digits: 1) + "%", 10))
        }
        lines.append("Amdahl's serial fraction: \(NumberText.fixed(serialFraction * 100, digits: 2))% (best possible speedup \(serialFraction > 0 ? NumberText.fixed(1 / serialFraction, digits: 1) : "unbounded"))")
        if let fitCaveat { lines.append("  " + fitCaveat) }
        return lines.joined(separator: "\n") + "\n"
    }

    private func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
}

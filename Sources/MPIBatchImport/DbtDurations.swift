import Foundation

/// What dbt already knows of each node's cost: the `execution_time` of its last run, read
/// from the `run_results.json` dbt writes after every run (`--durations`), so that the
/// imported stages' `estimate:` puts real costs on the critical path.
struct DbtDurations {
    /// Seconds by unique id.
    let seconds: [String: Double]

    private struct RunResults: Decodable {
        struct Result: Decodable {
            let uniqueID: String
            let executionTime: Double

            enum CodingKeys: String, CodingKey { case uniqueID = "unique_id", executionTime = "execution_time" }
        }

        let results: [Result]
    }

    /// Reads `path` (dbt's `target/run_results.json`).
    static func load(path: String) throws(DbtImportError) -> DbtDurations {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DbtImportError(path: path, reason: "--durations: cannot read it (dbt writes target/run_results.json after a run)")
        }
        let decoded: RunResults
        do {
            decoded = try JSONDecoder().decode(RunResults.self, from: data)
        } catch {
            throw DbtImportError(path: path, reason: "--durations: not a dbt run_results.json (no results with unique_id and execution_time)")
        }
        var seconds: [String: Double] = [:]
        for result in decoded.results where result.executionTime.isFinite && result.executionTime >= 0 {
            seconds[result.uniqueID] = result.executionTime
        }
        return DbtDurations(seconds: seconds)
    }

    /// `estimate:`'s text for node `id`, when dbt ran it: whole milliseconds, at least 1.
    func estimate(of id: String) -> String? {
        seconds[id].map { "\(max(1, Int(($0 * 1000).rounded())))ms" }
    }
}

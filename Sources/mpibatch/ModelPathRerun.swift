import ArgumentParser
import Foundation
import MPIBatch

/// `mpibatch run JOB --only-path N` for a user's Monte Carlo model: path N's value, from the
/// path alone (`calls: path`) or from its block (`calls: block`), on a worker of its own.
/// What the function printed (a traceback) is shown on stderr, after a note of what the worker
/// runs under (numpy, python); a failure or a non-finite value exits 1.
enum ModelPathRerun {
    static func run(_ path: Int, of spec: MonteCarloSpec) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mpibatch-only-path-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let block = path / spec.block
        let calls = spec.model?.calls == .path ? "path \(path)" : "path \(path), in block \(block)"
        let outcome: Result<Double, any Error>
        do {
            let workload = try MonteCarloModelWorkload(spec: spec, onlyPath: path)
            // What the value depends on, to hold against the parts in the run's run.json.
            if let environment = await workload.resultEnvironment(outputDirectory: directory) {
                Diagnostics.note("computed under \(environment.versions) (run.json records what each part of a run ran under)")
            }
            outcome = .success(try await workload.value(ofPath: path, outputDirectory: directory))
        } catch {
            outcome = .failure(error)
        }
        if let printed = FileManager.default.contents(atPath: directory + "/logs/rank-0.err"), !printed.isEmpty {
            Diagnostics.write(printed)
        }
        switch outcome {
        case .success(let value):
            print("\(calls) (seed \(spec.seed)) of \(spec.kernel): \(value)")
            if !value.isFinite { throw ExitCode(1) }
        case .failure(let error):
            Diagnostics.say("\(calls) (seed \(spec.seed)) of \(spec.kernel) failed: \(error)")
            throw ExitCode(1)
        }
    }
}

import Foundation
@testable import MPIBatchJob
@testable import MPIBatchWorkloads

/// A fresh temporary directory for one test.
func makeJobTestDirectory() -> String {
    TestScratch.directory("job")
}

/// Writes `text` to `name` in `directory`, returning the path.
@discardableResult
func writeJobFile(_ text: String, named name: String = "job.yaml", in directory: String = makeJobTestDirectory()) -> String {
    let path = directory + "/" + name
    try! text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// Every problem `text` has, as `line:column: message` (the path left off).
func jobProblems(_ text: String, named name: String = "job.yaml") -> [String] {
    let path = writeJobFile(text, named: name)
    do {
        _ = try JobLoader.loadReportingAll(path: path, kernels: KernelCatalog.builtIn)
        return []
    } catch {
        return error.errors.map { "\($0.line):\($0.column): \($0.message)" }
    }
}

/// The sweep of a job that must load.
func loadSweep(_ text: String, named name: String = "job.yaml") throws -> (JobSpec, SweepSpec) {
    let job = try JobLoader.load(path: writeJobFile(text, named: name), kernels: KernelCatalog.builtIn)
    guard case .sweep(let sweep) = job.body else { throw SweepWorkloadError.notASweep(job: job.name) }
    return (job, sweep)
}

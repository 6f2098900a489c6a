import ArgumentParser
import Foundation
import MPIBatch

/// `mpibatch validate JOB`: parse and check only.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a job file; exit 0, or 2 with one 'path:line:col: message' per problem.")

    @Argument(help: "A YAML or JSON job file, or a text file with one shell command per line.")
    var job: String

    func run() async throws {
        var outcome = JobValidation.validate(path: job, kernels: KernelCatalog.builtIn)
        outcome.addResources(linesToo: false)
        try outcome.emit()
    }
}

extension JobValidation.Outcome {
    /// For a good job that asks for GPUs or memory: `ResourcePlan`'s lines (with `linesToo`), and its
    /// problem, if any, as this outcome's.
    mutating func addResources(linesToo: Bool = true) {
        guard problems.isEmpty, let spec = job else { return }
        let (lines, problem) = ResourcePlan.check(spec)
        if linesToo { output += lines }
        if let problem {
            problems.append(problem)
            if !linesToo { output.removeAll() }  // validate's `ok:` line
        }
    }

    /// Prints the output and problems; throws `ExitCode(2)` for bad input.
    func emit() throws {
        for line in output { print(line) }
        for line in problems { Diagnostics.write(line + "\n") }
        if exitStatus != 0 { throw ExitCode(exitStatus) }
    }
}

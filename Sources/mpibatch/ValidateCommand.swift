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
        try JobValidation.validate(path: job, kernels: KernelCatalog.builtIn).emit()
    }
}

extension JobValidation.Outcome {
    /// Prints the output and problems; throws `ExitCode(2)` for bad input.
    func emit() throws {
        for line in output { print(line) }
        for line in problems { Diagnostics.write(line + "\n") }
        if exitStatus != 0 { throw ExitCode(exitStatus) }
    }
}

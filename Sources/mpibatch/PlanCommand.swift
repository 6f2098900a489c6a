import ArgumentParser
import MPIBatch

/// `mpibatch plan JOB`: what would run, without running it.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the task count, parameter ranges, first and last tasks and expected output size.")

    @Argument(help: "A YAML or JSON job file, or a text file with one shell command per line.")
    var job: String

    func run() async throws {
        var outcome = JobValidation.plan(path: job, kernels: KernelCatalog.builtIn)
        outcome.addResources()
        try outcome.emit()
    }
}

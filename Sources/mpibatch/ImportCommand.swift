import ArgumentParser
import Foundation
import MPIBatch

/// `mpibatch import KIND …`: another tool's project as a job file on stdout.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Write a job file made from another tool's project.",
        subcommands: [ImportDbtCommand.self])
}

/// `mpibatch import dbt target/manifest.json [--select …] > job.yaml`.
struct ImportDbtCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dbt", abstract: "A dbt project's models, seeds, snapshots and tests as a stage graph.",
        discussion: """
            Each model runs as `dbt run --select MODEL` once its selected parents have; tests run \
            after what they test. Models matching --exclusive (default *_state_accumulator*) run \
            alone, one after another in dependency order. Run `dbt parse` (or compile) first to \
            have target/manifest.json.
            """)

    @Argument(help: "The project's target/manifest.json.")
    var manifest: String

    @Option(name: .customLong("select"), help: "dbt selectors: NAME, +NAME, NAME+, tag:TAG (repeatable; default: everything).")
    var selectors: [String] = []

    @Option(name: .customLong("exclusive"), help: "Name patterns of models that run alone and in order (repeatable).")
    var exclusivePatterns: [String] = []

    @Option(help: "The dbt program.")
    var dbt = "dbt"

    @Option(name: .customLong("dbt-arg"), help: "An argument added to every dbt command, e.g. --dbt-arg=--target --dbt-arg=prod (repeatable).")
    var dbtArguments: [String] = []

    @Option(help: "The directory the dbt commands run in (the project's).")
    var projectDir: String?

    @Flag(help: "Leave tests out.")
    var noTests = false

    func run() throws {
        var options = DbtImport.Options()
        options.program = dbt
        options.extraArguments = dbtArguments
        options.select = selectors
        if !exclusivePatterns.isEmpty { options.exclusivePatterns = exclusivePatterns }
        options.includeTests = !noTests
        options.workingDirectory = projectDir
        do {
            print(try DbtImport.job(manifestPath: manifest, options: options), terminator: "")
        } catch {
            FileHandle.standardError.write(Data("mpibatch: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}

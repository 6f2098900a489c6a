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
            Each node runs as `dbt run|seed|snapshot|test --select fqn:…` in the project's root \
            once its selected parents have, after a connection check (`dbt debug --connection`), \
            on persistent dbt workers that parse the project once per slot (dbtRunner; \
            --process-per-stage, or a dbt older than 1.5: one dbt process per stage). \
            --select, --exclude and --selector are resolved by `dbt ls`. On DuckDB and SQLite every \
            stage runs alone. Models matching --exclusive (default *_state_accumulator*) run one at \
            a time (uses: [accumulators], limits: {accumulators: 1}), in dependency order, while the \
            rest of the graph goes on. Run `dbt parse` first to have target/manifest.json.
            """)

    @Argument(help: "The project's target/manifest.json.")
    var manifest: String

    @Option(name: .customLong("select"), help: "dbt's --select, resolved by `dbt ls` (repeatable; default: everything).")
    var selectors: [String] = []

    @Option(name: .customLong("exclude"), help: "dbt's --exclude, resolved by `dbt ls` (repeatable).")
    var excludes: [String] = []

    @Option(help: "A YAML selector of the project (dbt's --selector), resolved by `dbt ls`.")
    var selector: String?

    @Option(name: .customLong("exclusive"), help: "Name patterns of models that run alone and in order (repeatable).")
    var exclusivePatterns: [String] = []

    @Option(help: "The dbt program.")
    var dbt = "dbt"

    @Option(name: .customLong("dbt-arg"), help: "An argument added to every dbt command, e.g. --dbt-arg=--full-refresh (repeatable).")
    var dbtArguments: [String] = []

    @Option(help: "The project's root (default: the directory at or above the manifest with dbt_project.yml).")
    var projectDir: String?

    @Option(help: "The directory of profiles.yml (default: where dbt looks: $DBT_PROFILES_DIR, the project, ~/.dbt).")
    var profilesDir: String?

    @Option(help: "dbt's --target, passed to every stage.")
    var target: String?

    @Option(help: "dbt's --vars (YAML), passed to every stage.")
    var vars: String?

    @Option(help: "dbt's run_results.json of an earlier run: each node's execution_time becomes its stage's estimate:.")
    var durations: String?

    @Option(help: "Retries of each stage (snapshots and incremental models: never).")
    var retries = 1

    @Flag(help: "Leave tests out.")
    var noTests = false

    @Flag(help: "Run each stage as its own dbt process instead of on persistent dbt workers (seconds of dbt start-up per stage).")
    var processPerStage = false

    func validate() throws {
        guard retries >= 0 else { throw ValidationError("--retries must be 0 or more, not \(retries)") }
    }

    func run() throws {
        var options = DbtImport.Options()
        options.program = dbt
        options.extraArguments = dbtArguments
        options.select = selectors
        options.exclude = excludes
        options.selector = selector
        if !exclusivePatterns.isEmpty { options.exclusivePatterns = exclusivePatterns }
        options.includeTests = !noTests
        options.projectDirectory = projectDir
        options.profilesDirectory = profilesDir
        options.target = target
        options.vars = vars
        options.retries = retries
        options.durationsPath = durations
        options.processPerStage = processPerStage
        do {
            let made = try DbtImport.make(manifestPath: manifest, options: options)
            for warning in made.warnings { Diagnostics.say("warning: " + warning) }
            print(made.job, terminator: "")
        } catch {
            Diagnostics.say("\(error)")
            throw ExitCode(2)
        }
    }
}

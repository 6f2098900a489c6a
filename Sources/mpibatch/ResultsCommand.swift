import ArgumentParser
import Foundation
import MPIBatch

/// `mpibatch results DIR`: the journal with each task once, in index order.
struct ResultsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "Print a run's results with each task once (its last attempt), in index order.",
        discussion: "results.jsonl keeps every attempt, across resumes; this is its final view.")

    @Argument(help: "A run's output directory.")
    var directory: String

    @Option(help: "jsonl (the journal's lines), csv or tsv (params.* and value.* as columns).")
    var format: ResultsFormat = .jsonl

    @Option(help: "Only tasks whose final attempt ended so: ok, failed, timeout, interrupted or cancelled.")
    var status: TaskStatus?

    @Flag(help: ArgumentHelp(
        "Write a ' before csv or tsv cells that start with = + - @, a tab or a carriage return (and are not numbers).",
        discussion: "A spreadsheet would otherwise run such a cell as a formula: task output like =cmd|' /C calc'!A0."))
    var csvSafe = false

    func validate() throws {
        if csvSafe && format == .jsonl { throw ValidationError("--csv-safe applies to --format csv or tsv") }
    }

    func run() async throws {
        do {
            try CompactedResults.write(
                directory: directory, format: format, status: status, formulaSafe: csvSafe, to: .standardOutput)
        } catch {
            Diagnostics.say("\(error)")
            throw ExitCode(2)
        }
    }
}

extension ResultsFormat: ExpressibleByArgument {}

extension TaskStatus: ExpressibleByArgument {
    /// `ok`, `failed`, `timeout`, `interrupted` or `cancelled`, as in the journal.
    public init?(argument: String) {
        guard let status = TaskStatus.allCases.first(where: { $0.description == argument })
        else { return nil }
        self = status
    }

    /// The names a user types, for the message of a wrong one.
    public static var allValueStrings: [String] { allCases.map(\.description) }
}

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

    func run() async throws {
        do {
            try CompactedResults.write(directory: directory, to: .standardOutput)
        } catch {
            FileHandle.standardError.write(Data("mpibatch: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}

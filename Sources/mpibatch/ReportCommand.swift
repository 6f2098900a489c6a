import ArgumentParser
import Foundation
import MPIBatch

/// `mpibatch report DIR`: prints the summary of a finished run again.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Re-render the summary, timeline and report page of a finished run.")

    @Argument(help: "A run's output directory.")
    var directory: String

    func run() async throws {
        do {
            print(try RunReport.render(directory: directory), terminator: "")
            let page = try RunReports.write(directory: directory)
            print("timeline: \(directory)/timeline.json (Perfetto), \(directory)/timeline.svg")
            print("report: \(page)")
        } catch {
            Diagnostics.write("\(error)\n")
            throw ExitCode(2)
        }
    }
}

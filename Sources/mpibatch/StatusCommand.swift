import ArgumentParser
import Foundation
import MPIBatch

/// `mpibatch status DIR [--json] [--watch]`: where a run stands, from any shell that sees its directory.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show whether a run is running, finished, interrupted, failed or lost, and its figures.",
        discussion: """
            Reads DIR/status.json, which rank 0 replaces every second: no MPI, works from a login node. \
            A run whose status has not moved for several seconds (or whose rank 0 is gone from this \
            node) is lost. Exit status 0, or 2 when DIR is not a run directory.
            """)

    @Argument(help: "A run's output directory.")
    var directory: String

    @Flag(help: "Print status.json's figures as one JSON object (state judged: lost where the writer is gone).")
    var json = false

    @Flag(help: "Redraw until the run ends (a line per update when not a terminal).")
    var watch = false

    func run() async throws {
        do {
            guard watch else { return show(try RunStatusReader.observe(directory: directory), redraw: false) }
            var watcher = StatusWatch()
            let terminal = isatty(STDOUT_FILENO) != 0 && !json
            var lastSequence: Int?
            while true {
                let status = watcher.judge(try RunStatusReader.read(directory: directory))
                if status.sequence != lastSequence || status.state.hasEnded {
                    show(status, redraw: terminal && lastSequence != nil)
                    lastSequence = status.sequence
                }
                if status.state.hasEnded { return }
                try await Task.sleep(nanoseconds: UInt64(max(0.1, status.periodSeconds / 4) * 1e9))
            }
        } catch let error as RunFileError {
            Diagnostics.say("\(error)")
            throw ExitCode(2)
        }
    }

    /// Prints `status`; `redraw` first moves back over the lines printed before (a terminal).
    private func show(_ status: RunStatus, redraw: Bool) {
        let text = json ? String(decoding: (try? status.json()) ?? [], as: UTF8.self) : StatusText.render(status, directory: directory)
        FileHandle.standardOutput.write(Data(((redraw ? "\u{1B}[H\u{1B}[2J" : "") + text).utf8))
    }
}

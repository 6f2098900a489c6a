import Foundation
import MPIBatchCore
import Synchronization

/// Rank 0's live progress on stderr: a bar redrawn twice a second on a terminal,
/// a plain line every few seconds otherwise (a Slurm log, a pipe).
package final class ProgressReporter: Sendable {
    /// What the reporter shows: tasks finished (ok or failed for good), failed, in the run.
    package typealias Counts = @Sendable () -> (finished: Int, failed: Int, total: Int)

    private let loop: BackgroundLoop

    /// Starts reporting `counts` until `stop`.
    package init(counts: @escaping Counts) {
        let terminal = Diagnostics.isTerminal
        let interval = terminal ? 0.5 : 5.0
        let started = MonotonicClock.seconds()
        loop = BackgroundLoop(name: "mpibatch-progress") { loop in
            while !loop.wait(seconds: interval), !loop.isStopping {
                let line = Self.line(counts(), elapsed: MonotonicClock.seconds() - started, bar: terminal)
                Diagnostics.write(terminal ? "\r\u{1B}[K" + line : line + "\n")
            }
            if terminal { Diagnostics.write("\r\u{1B}[K") }
        }
    }

    /// Stops reporting and clears the bar.
    package func stop() { loop.stopAndJoin() }

    /// `[########            ] 41% 1640/4000 tasks, 2 failed, 812 tasks/s, ~3 s left`.
    static func line(_ counts: (finished: Int, failed: Int, total: Int), elapsed: Double, bar: Bool) -> String {
        let fraction = counts.total > 0 ? min(1, Double(counts.finished) / Double(counts.total)) : 1
        let rate = elapsed > 0 ? Double(counts.finished) / elapsed : 0
        let left = rate > 0 ? Double(counts.total - counts.finished) / rate : 0
        let width = 20
        let filled = Int((fraction * Double(width)).rounded(.down))
        var text = bar ? "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] " : ""
        text += "\(Int(fraction * 100))% \(counts.finished)/\(counts.total) tasks"
        if counts.failed > 0 { text += ", \(counts.failed) failed" }
        text += ", \(NumberText.fixed(rate, digits: 0)) tasks/s"
        if counts.finished > 0, counts.finished < counts.total { text += ", ~\(NumberText.fixed(left, digits: 0)) s left" }
        return text
    }
}

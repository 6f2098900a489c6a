import Foundation
import MPIBatchCore
import Synchronization
import SystemPackage

/// A rank's log files, `logs/rank-R.out` and `logs/rank-R.err` in the run directory:
/// every command task of the rank appends its stdout and stderr there when it ends, and
/// its journal line records where they lie (`TaskLog.rankFiles`). A million tasks make
/// two files per rank, not two million; a rank whose tasks print nothing makes none.
///
/// Each stream of a task is one append under a lock, so a task's output is contiguous in
/// the file. The files are only appended to, across resumes: an attempt cut short by a
/// kill leaves at most bytes that no journal line points at.
package final class RankLog: Sendable {
    /// The run's output directory (`--out`).
    package let runDirectory: String
    /// The rank whose files these are.
    let rank: Int
    private let files = Mutex<(stdout: OutputFile, stderr: OutputFile)?>(nil)
    /// Whether a task's output could not be written (said once per rank).
    private let warned = Atomic<Bool>(false)

    /// The log of `rank` in `runDirectory`; nothing is created until a task prints something.
    package init(runDirectory: String, rank: Int) {
        self.runDirectory = runDirectory
        self.rank = rank
    }

    /// `logs/rank-R.out` or `.err`, relative to the run directory.
    static func path(rank: Int, stream: LogStream) -> String {
        "logs/rank-\(rank).\(stream.rawValue)"
    }

    /// Appends a finished task's output; returns where each stream lies.
    package func append(stdout: CapturedOutput, stderr: CapturedOutput) throws(OutputError) -> TaskLog {
        if stdout.isEmpty && stderr.isEmpty { return .rankFiles(stdout: .empty, stderr: .empty) }
        return try files.withLock { (files) throws(OutputError) -> TaskLog in
            let opened: (stdout: OutputFile, stderr: OutputFile)
            if let files { opened = files } else { opened = try open() }
            files = opened
            return .rankFiles(
                stdout: try Self.append(stdout, stream: .out, to: opened.stdout),
                stderr: try Self.append(stderr, stream: .err, to: opened.stderr))
        }
    }

    /// A task's output could not be appended (`error`): the first time, says on stderr that
    /// tasks are journaled without their output from now on while the logs cannot be written.
    package func warnUnwritten(_ error: OutputError) {
        guard !warned.exchange(true, ordering: .relaxed) else { return }
        Diagnostics.warning(
            "rank \(rank): \(error.path): \(error.operation): \(Errno(rawValue: error.code)); "
                + "tasks whose output cannot be written are journaled without it (their values are kept)")
    }

    private func open() throws(OutputError) -> (stdout: OutputFile, stderr: OutputFile) {
        try OutputFile.makeDirectory(runDirectory + "/logs", runsOwn: 1)
        return (
            try OutputFile(appendingTo: runDirectory + "/" + Self.path(rank: rank, stream: .out)),
            try OutputFile(appendingTo: runDirectory + "/" + Self.path(rank: rank, stream: .err))
        )
    }

    private static func append(_ output: CapturedOutput, stream: LogStream, to file: OutputFile) throws(OutputError) -> LogSpan {
        guard !output.isEmpty else { return .empty }
        let bytes = output.kept(stream: stream.name)
        return LogSpan(offset: try file.append(bytes), length: bytes.count, dropped: output.dropped)
    }
}

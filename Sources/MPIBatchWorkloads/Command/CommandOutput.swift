import Foundation
import MPIBatchRuntime
import SystemPackage

/// A finished command's stdout and stderr, wherever they went: captured in memory (and
/// appended to the rank's log), or in files of its own (`logs: per-task`).
struct CommandOutput {
    private let place: CommandProcess.Kept

    /// Takes `finished`'s output: captured output is appended to the rank's log. Records in
    /// `report` how the command ended and where its output lies.
    init(_ finished: CommandProcess.Finished, report: CommandReport) {
        place = finished.output
        var facts = CommandReport.Facts()
        facts.usage = finished.usage
        switch finished.ending {
        case .exited(let status): facts.exitCode = status
        case .signaled(let signal): facts.signal = signal
        case .timedOut(let signal, let exitCode), .overMemory(_, let signal, let exitCode): (facts.signal, facts.exitCode) = (signal, exitCode)
        }
        switch finished.output {
        case .captured(let stdout, let stderr):
            // A log that cannot be written (a full disk) does not fail the task: it is journaled
            // without its output (no `log` field), and the rank says so once.
            do {
                facts.log = try report.log.append(stdout: stdout, stderr: stderr)
            } catch {
                report.log.warnUnwritten(error)
            }
        case .files(let stdout, let stderr):
            let run = Self.standardized(report.log.runDirectory) + "/"
            let relative = { (path: String) in
                let path = Self.standardized(path)
                return path.hasPrefix(run) ? String(path.dropFirst(run.count)) : path
            }
            facts.log = .taskFiles(stdout: relative(stdout), stderr: relative(stderr))
        }
        report.record(facts)
    }

    /// `path` absolute, without `.` or `..`: a stage's directory is written so, the run's as given.
    private static func standardized(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// All of stdout, as text; an error when some of it was dropped, or its file holds more
    /// than `limit` bytes (`max_output:`).
    func stdoutText(program: String, limit: Int) throws(CommandFailure) -> String {
        switch place {
        case .captured(let stdout, _):
            guard let whole = stdout.whole else {
                throw .badResult(program: program, reason: "stdout is longer than max_output: (\(stdout.dropped) bytes dropped)")
            }
            return String(decoding: whole, as: UTF8.self)
        case .files(let stdout, _):
            return try CommandLauncher.read(stdout, limit: limit, program: program)
        }
    }

    /// The last non-empty line of stdout.
    func stdoutLastLine() -> Result<String, LastLine.Problem> {
        switch place {
        case .captured(let stdout, _):
            let end = stdout.suffix(LastLine.maximumBytes + 2)
            return LastLine.find(in: end, isWhole: stdout.dropped == 0 && stdout.count == end.count)
        case .files(let stdout, _):
            return LastLine.read(path: stdout)
        }
    }

    /// The last KiB of stderr, trimmed, for the failure's message. Where earlier output was
    /// left out, it starts at a whole line (when the KiB holds a line break) after `… `.
    func stderrTail(bytes: Int = 1024) -> String {
        var tail: [UInt8]
        let cut: Bool
        switch place {
        case .captured(_, let stderr):
            tail = stderr.suffix(bytes)
            cut = stderr.dropped > 0 || stderr.count > tail.count
        case .files(_, let stderr):
            guard let handle = FileHandle(forReadingAtPath: stderr) else { return "" }
            defer { try? handle.close() }
            let size = (try? handle.seekToEnd()) ?? 0
            try? handle.seek(toOffset: size > UInt64(bytes) ? size - UInt64(bytes) : 0)
            tail = Array((try? handle.readToEnd()) ?? Data())
            cut = size > UInt64(tail.count)
        }
        if cut, let lineBreak = tail.firstIndex(of: UInt8(ascii: "\n")) { tail.removeSubrange(...lineBreak) }
        let text = String(decoding: tail, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return cut && !text.isEmpty ? "… " + text : text
    }
}

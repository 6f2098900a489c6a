import Foundation
import MPIBatchCore
import MPIBatchReporting
import Synchronization

/// Rank 0's window on a running run: `status.json` replaced by rename every
/// `periodSeconds` (and at once after answering a request), each time with the next
/// sequence number; `control.jsonl` re-opened on every poll, each request carried out and
/// answered in the status; `report.html` replaced every `pageEvery` writes while the run
/// runs. A file that cannot be written (a full disk) is warned about once and tried again
/// at the next period: the run never fails for its status.
final class StatusPublisher: Sendable {
    /// What the publisher asks of the run.
    struct Run: Sendable {
        /// The run's figures now.
        var figures: @Sendable () -> LiveFigures
        /// Stops the run (`now`: running tasks cancelled too); returns the answer's outcome.
        var stop: @Sendable (_ now: Bool) -> String
        /// Cancels tasks; returns the outcome and whether the request was refused.
        var cancel: @Sendable ([Int]) -> (outcome: String, refused: Bool)
        /// Cancels a stage by name; returns the outcome and whether the request was refused.
        var cancelStage: @Sendable (String) -> (outcome: String, refused: Bool)
    }

    private struct State {
        var sequence = 0
        var answers: [RunStatus.Answer] = []
        var ignoredLines = 0
        var last: RunStatus?
        /// Files whose last write failed (warned about once until one succeeds).
        var failing: Set<String> = []
        /// False once the work is over: no more requests or live pages, only the status ticks.
        var live = true
        var control: ControlFile?
    }

    private let state: Mutex<State>
    private let loop = BackgroundLoop(name: "mpibatch-status")
    private let directory: String
    private let name: String
    private let run: Run
    private let startedAt = Date().timeIntervalSince1970
    private let startedMonotonic = MonotonicClock.seconds()
    private let host = HostName.current()

    /// How often the status is written, control polled (`pollsPerPeriod` times a period),
    /// and the live page written (every `pageEvery` periods).
    static let periodSeconds = 1.0
    static let pollsPerPeriod = 4
    static let pageEvery = 4

    /// Creates `control.jsonl` (a run that cannot is refused before it starts), writes the
    /// first status, and starts publishing.
    init(directory: String, name: String, run: Run) throws(OutputError) {
        self.directory = directory
        self.name = name
        self.run = run
        state = Mutex(State(control: try ControlFile(directory: directory)))
        publish(page: false)
        loop.start { [self] loop in
            var polls = 0
            while !loop.wait(seconds: Self.periodSeconds / Double(Self.pollsPerPeriod)), !loop.isStopping {
                polls += 1
                let answered = answerRequests()
                guard answered || polls % Self.pollsPerPeriod == 0 else { continue }
                let periods = polls / Self.pollsPerPeriod
                publish(page: !answered && periods % Self.pageEvery == 0)
            }
        }
    }

    /// The work is over (the summary and the final page are being written): no more
    /// requests or live pages; the status goes on ticking, so that no reader takes the run for lost.
    func endLive() {
        state.withLock { $0.live = false }
    }

    /// Stops publishing and writes the final status of the run that ended with `summary`.
    func finish(summary: RunSummary) {
        loop.stopAndJoin()
        let final: RunStatus? = state.withLock { state in
            guard let last = state.last else { return nil }
            return RunStatus(ended: summary, exitStatus: summary.exitStatus, after: last)
        }
        if let final { write(final, page: false) }
    }

    /// Reads and carries out new requests; whether it answered any.
    private func answerRequests() -> Bool {
        let (requests, problems): ([ControlRequest], [String]) = state.withLock { state in
            guard state.live, let control = state.control else { return ([], []) }
            return control.poll()
        }
        for problem in problems { warn(problem) }
        var answers: [RunStatus.Answer] = []
        for request in requests {
            switch request.action {
            case .stop(let now): answers.append(.init(id: request.id, outcome: run.stop(now), refused: false))
            case .cancel(let indices):
                let (outcome, refused) = run.cancel(indices)
                answers.append(.init(id: request.id, outcome: outcome, refused: refused))
            case .cancelStage(let name):
                let (outcome, refused) = run.cancelStage(name)
                answers.append(.init(id: request.id, outcome: outcome, refused: refused))
            }
        }
        state.withLock { state in
            state.ignoredLines += problems.count { $0.contains(": ignored") }
            state.answers = Array((state.answers + answers).suffix(RunStatus.answersKept))
        }
        return !answers.isEmpty
    }

    /// Writes the status (and, when `page`, the live page) with the next sequence number.
    private func publish(page: Bool) {
        let figures = run.figures()
        let status: RunStatus = state.withLock { state in
            state.sequence += 1
            let status = RunStatus(
                running: figures, name: name, sequence: state.sequence, periodSeconds: Self.periodSeconds, host: host,
                pid: getpid(), startedAt: startedAt, elapsed: MonotonicClock.seconds() - startedMonotonic,
                answers: state.answers, ignoredControlLines: state.ignoredLines)
            state.last = status
            return status
        }
        write(status, page: page && state.withLock { $0.live })
    }

    private func write(_ status: RunStatus, page: Bool) {
        attempt(RunStatusReader.fileName) { () throws -> [UInt8] in try status.json() }
        if page { attempt("report.html") { Array(LivePage.html(status).utf8) } }
    }

    /// Replaces `file` of the run directory with `bytes()`; a failure is warned about once
    /// (until a write succeeds again), never thrown.
    private func attempt(_ file: String, _ bytes: () throws -> [UInt8]) {
        do {
            try OutputFile.replace(directory + "/" + file, with: try bytes())
            state.withLock { _ = $0.failing.remove(file) }
        } catch {
            let first = state.withLock { $0.failing.insert(file).inserted }
            if first { warn("\(file) not written (\(error)); the run goes on, and it is tried again every period") }
        }
    }

    private func warn(_ message: String) {
        Diagnostics.warning(message)
    }
}

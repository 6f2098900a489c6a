import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchReporting
@testable import MPIBatchScheduling

/// The end-of-run summary says what matters in few lines: failures grouped and capped,
/// task text unable to drive the terminal, blocks called blocks, a failed stage named.
@Suite struct SummaryTextTests {
    @Test func controlCharactersFromTasksAreShownNotObeyed() {
        let text = finishedRun(failures: [failedTask(0, "'sh' exited with status 1; stderr: \u{1b}[2J\u{1b}]0;pwn\u{07} boom")])
            .humanText(directory: "runs/x")
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
        #expect(text.contains(#"\u{1b}[2J\u{1b}]0;pwn\u{7} boom"#))
        #expect(TerminalText.visible("a\tb\nc\u{9b}d\u{7f}e\rf") == "a\tb\nc\\u{9b}d\\u{7f}e\\u{d}f")
    }

    @Test func identicalFailuresTakeOneLineHoweverMuchTheyPrinted() {
        let stderr = (1...500).map { "line \($0)" }.joined(separator: "\n") + "\nboom"
        let failures = (0..<3).map { failedTask($0, "'sh' exited with status 1; stderr: " + stderr) }
            + [failedTask(7, "timed out after 1.0 s")]
        let text = finishedRun(tasks: 8, failures: failures).humanText(directory: "runs/x")
        let lines = text.split(separator: "\n")
        #expect(lines.count <= 8, "\(lines.count) lines")
        #expect(lines.contains("  3 tasks failed: 'sh' exited with status 1; stderr: … boom (tasks 0, 1, 2)"))
        #expect(lines.contains("  1 task failed: timed out after 1.0 s (task 7)"))
        #expect(lines.contains("  each failed task's stderr: mpibatch logs runs/x --failed"))
        let long = FailureGroup.excerpt(of: "'sh' exited with status 1; stderr: " + String(repeating: "x", count: 500))
        #expect(long.count == FailureGroup.excerptLength && long.hasSuffix("…"))
    }

    @Test func failuresBeyondTheShownGroupsAreCounted() {
        let failures = (0..<9).map { failedTask($0, "'sh' exited with status 1; stderr: error \($0)") }
        let lines = finishedRun(tasks: 9, failures: failures).humanText().split(separator: "\n")
        #expect(lines.filter { $0.hasPrefix("  1 task failed") }.count == FailureGroup.shownGroups)
        #expect(lines.contains("  … and 4 more failed tasks"))
    }

    @Test func aMonteCarloSummaryCountsBlocksAndNoUnexplainedOverhead() {
        var run = finishedRun()
        run.monteCarlo = MonteCarloSummary(
            kernel: "k", seed: 1, total: MonteCarloAccumulator(), blocks: 3, blocksTotal: 3, reference: nil, targetMet: false,
            blocksMalformed: [])
        let text = run.humanText()
        #expect(text.hasPrefix("s: 3/3 blocks ok, 0 failed\n"))
        #expect(text.contains("blocks/s") && !text.contains("tasks"))
        #expect(!text.contains("µs/task"))
    }

    @Test func aFailedStageIsNamedOnTheFirstLine() {
        var run = finishedRun()
        run.stageGraph = StageGraphSummary(
            criticalPathSeconds: 1, maxSpeedup: 1, graphWallSeconds: 1, meanConcurrency: 1, peakTasksInFlight: 1,
            peakStagesRunning: 1, criticalPath: ["prep", "use"], stagesFailed: ["use"], stagesSkipped: [], warnings: [], stages: [:])
        #expect(run.humanText().hasPrefix("s: 3/3 tasks ok, 0 failed; failed stages: use\n"))
        #expect(run.endsFailed, "a failed stage fails the run, though none of its tasks failed")
    }
}

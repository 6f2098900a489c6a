import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJournal
@testable import MPIBatchPlan

/// A run's own directories (`logs`, `stages`, `stages/NAME`) are never followed when they are
/// symbolic links, and `mpibatch logs` reads nothing outside the run directory.
@Suite struct RunDirectoryLinksTests {
    /// A run directory and, beside it, a directory a planted link points to.
    private func runAndTarget() throws -> (run: String, target: String) {
        let base = makeJobTestDirectory()
        try FileManager.default.createDirectory(atPath: base + "/run", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: base + "/target", withIntermediateDirectories: true)
        return (base + "/run", base + "/target")
    }

    @Test func linkedLogsAndStagesDirectoriesAreRefusedAndTheirTargetsUntouched() throws {
        let (run, target) = try runAndTarget()
        try FileManager.default.createSymbolicLink(atPath: run + "/logs", withDestinationPath: target)
        var output = CapturedOutput(limit: 1 << 10)
        Array("x".utf8).withUnsafeBytes { output.append($0) }
        #expect(throws: OutputError.self) { try RankLog(runDirectory: run, rank: 0).append(stdout: output, stderr: output) }
        try FileManager.default.createSymbolicLink(atPath: run + "/stages", withDestinationPath: target)
        #expect(throws: OutputError.self) { try StageValues(directory: run + "/stages").store(Array("1\n".utf8), of: "a") }
        try FileManager.default.removeItem(atPath: run + "/stages")
        try FileManager.default.createDirectory(atPath: run + "/stages", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: run + "/stages/a", withDestinationPath: target)
        do {
            try StageValues(directory: run + "/stages").store(Array("1\n".utf8), of: "a")
            Issue.record("stages/a was followed")
        } catch {
            #expect(error.description == run + "/stages/a: is a symbolic link; mpibatch does not write its outputs through one (remove it)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: target).isEmpty)
        #expect(throws: OutputError.self) { try OutputFile.refuseLinkedDirectories(in: run) }
        try FileManager.default.createDirectory(atPath: run + "/../plain", withIntermediateDirectories: true)
        try OutputFile.refuseLinkedDirectories(in: run + "/../plain")
    }

    @Test func logPathsOutsideTheRunDirectoryAreRefused() throws {
        let (run, target) = try runAndTarget()
        try "secret\n".write(toFile: target + "/passwd", atomically: true, encoding: .utf8)
        try "abc".write(toFile: target + "/rank-0.out", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: run + "/linked", withDestinationPath: target)
        let sink = try #require(FileHandle(forWritingAtPath: "/dev/null"))
        for path in [target + "/passwd", "../target/passwd", "logs/../../target/passwd", "linked/passwd", "", "./x"] {
            let attempt = TaskLogs.Attempt(
                index: 0, attempt: 1, rank: 0, status: .failed, log: .taskFiles(stdout: path, stderr: path))
            #expect(throws: RunFileError.self, "\(path)") { try TaskLogs.copy(.out, of: attempt, directory: run, to: sink) }
        }
        try FileManager.default.createSymbolicLink(atPath: run + "/logs", withDestinationPath: target)
        let ranked = TaskLogs.Attempt(
            index: 0, attempt: 1, rank: 0, status: .failed,
            log: .rankFiles(stdout: LogSpan(offset: 0, length: 3, dropped: 0), stderr: .empty))
        #expect(throws: RunFileError.self) { try TaskLogs.copy(.out, of: ranked, directory: run, to: sink) }
    }
}

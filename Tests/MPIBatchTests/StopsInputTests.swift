import Foundation
import Testing
@testable import MPIBatchJob
@testable import MPIBatchRuntime
@testable import MPIBatchWorkloads

/// Bad values and bad bytes (issue 10): each refused with a message naming the culprit.
@Suite struct StopsInputTests {
    @Test func runOptionsOutOfRangeNameTheOption() {
        #expect(RunOptionBounds.slotsProblem(0)?.hasPrefix("--slots") == true)
        #expect(RunOptionBounds.slotsProblem(4097, cores: 2)?.hasPrefix("--slots") == true)
        #expect(RunOptionBounds.slotsProblem(64 * 128, cores: 128) == nil)
        #expect(RunOptionBounds.slotsProblem(8) == nil)
        for bad in [Double.nan, .infinity, -1] { #expect(RunOptionBounds.graceProblem(bad)?.hasPrefix("--grace") == true) }
        #expect(RunOptionBounds.graceProblem(0) == nil)
        for bad in [Double.nan, .infinity, 0, -1] {
            #expect(RunOptionBounds.heartbeatTimeoutProblem(bad)?.hasPrefix("--heartbeat-timeout") == true)
        }
        let now = Date()
        #expect(RunOptionBounds.deadlineProblem("0s", now: now) == "--deadline must be more than 0, got '0s'")
        #expect(RunOptionBounds.deadlineProblem("-5m", now: now) == "--deadline must be more than 0, got '-5m'")
        #expect(RunOptionBounds.deadlineProblem("2020-01-01T00:00:00", now: now)?.contains("in the past") == true)
        #expect(RunOptionBounds.deadlineProblem("soon", now: now)?.hasPrefix("--deadline") == true)
        #expect(RunOptionBounds.deadlineProblem("45m", now: now) == nil)
    }

    @Test func sigtermUnderMpirunLeavesTimeForTheJournal() {
        #expect(InterruptSignal.terminate.graceSeconds(configured: 30, underMpirun: true) == InterruptSignal.underMpirunGrace)
        #expect(InterruptSignal.terminate.graceSeconds(configured: 30, underMpirun: false) == 30)
        #expect(InterruptSignal.user1.graceSeconds(configured: 30, underMpirun: true) == 30)
    }

    @Test func aliasBombIsRefusedQuicklyAtTheAnchor() {
        var lines = [#"a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]"#]
        for level in 1..<10 { lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ",") + "]") }
        let started = ContinuousClock.now
        let problems = jobProblems(lines.joined(separator: "\n") + "\ntask: {kernel: noop}\n")
        #expect(ContinuousClock.now - started < .seconds(30))  // unguarded, 10⁹ nodes would never finish
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("6:5: aliases expand this document past") == true)
        // Aliases that stay small are fine.
        #expect(jobProblems("sweep: {grid: {a: &v [1, 2], b: *v}}\ntask: {kernel: noop}\n").isEmpty)
    }

    @Test func nulInACommandArgumentIsRefusedAtItsPlace() {
        #expect(jobProblems("task:\n  command: [echo, \"a\\0b\"]\n")
            == ["2:19: a value holds a NUL byte, which no program argument or environment variable can carry"])
    }

    @Test func invalidUTF8AndNULBytesAreRefusedAtLineAndColumn() {
        #expect(throws: JobFileError(path: "f", line: 2, column: 3, message: "invalid UTF-8 (byte 0xFF); save the file as UTF-8")) {
            try SourceText.decode(Array("ok\néé".utf8) + [0xFF], path: "f")
        }
        #expect(throws: JobFileError(path: "f", line: 1, column: 3, message: "a NUL byte (a binary file?)")) {
            try SourceText.decode([0x61, 0x62, 0, 0x63], path: "f")
        }
        #expect(throws: JobFileError(path: "f", line: 1, column: 2, message: "invalid UTF-8 (byte 0xE9); save the file as UTF-8")) {
            try SourceText.decode([0x61, 0xE9, 0x0A], path: "f")  // Latin-1 é
        }
    }

    @Test func csvByteOrderMarkIsDropped() throws {
        let directory = makeJobTestDirectory()
        try Data([0xEF, 0xBB, 0xBF] + Array("name,n\nx,1\n".utf8)).write(to: URL(fileURLWithPath: directory + "/t.csv"))
        let (_, sweep) = try loadSweep("sweep: {table: \(directory)/t.csv}\ntask: {command: [echo, \"{name}\"]}\n")
        #expect(sweep.taskCount == 1)
        #expect(try SourceText.decode([0xEF, 0xBB, 0xBF, 0x61], path: "f") == "a")
    }

    @Test func lastLineIsReadBackwardsAcrossBlocks() throws {
        let path = makeJobTestDirectory() + "/out"
        try Data((String(repeating: "0123456789\n", count: 1000) + "the end\r\n\n").utf8).write(to: URL(fileURLWithPath: path))
        #expect(try LastLine.read(path: path, blockSize: 7).get() == "the end")
        try Data(String(repeating: "x", count: 100).utf8).write(to: URL(fileURLWithPath: path))
        #expect(try LastLine.read(path: path, blockSize: 16).get() == String(repeating: "x", count: 100))
        try Data().write(to: URL(fileURLWithPath: path))
        #expect(try LastLine.read(path: path).get() == "")
        try Data(repeating: 0x78, count: LastLine.maximumBytes + 10).write(to: URL(fileURLWithPath: path))
        #expect(LastLine.read(path: path) == .failure(.tooLong))
        #expect(LastLine.read(path: path + ".missing") == .failure(.unreadable))
    }
}

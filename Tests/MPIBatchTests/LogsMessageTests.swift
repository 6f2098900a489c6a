import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJournal

/// What `mpibatch logs` and `mpibatch results` say about a task is what its journal line says.
@Suite struct LogsMessageTests {
    /// A run directory whose journal holds `line` alone.
    private func run(_ line: String) throws -> String {
        let directory = makeJobTestDirectory()
        try (line + "\n").write(toFile: directory + "/results.jsonl", atomically: true, encoding: .utf8)
        return directory
    }

    @Test func aTimeoutIsCalledATimeoutNotItsSignal() throws {
        let directory = try run(
            #"{"index":0,"params":{},"status":"timeout","seconds":1.0,"start":0,"rank":0,"slot":0,"attempt":1,"exit_code":null,"signal":15,"value":null,"error":"timed out after 1.0 s","log":{"out":[0,0],"err":[0,0]}}"#)
        var reasons: [String] = []
        try TaskLogs.forEachFailure(directory: directory) { (task) throws(RunFileError) in reasons.append(task.reason) }
        #expect(reasons == ["timed out after 1.0 s"])
    }

    @Test func anUnreadableLogFieldIsNotCalledAKernelTask() throws {
        let directory = try run(
            #"{"index":0,"params":{},"status":"failed","seconds":1.0,"start":0,"rank":0,"slot":0,"attempt":1,"exit_code":1,"signal":null,"value":null,"error":"x","log":{"out":[99999999999999999999,1],"err":[0,0]}}"#)
        let task = try TaskLogs.attempt(directory: directory, index: 0)
        let error = try #require(throws: RunFileError.self) {
            try TaskLogs.copy(.out, of: task, directory: directory, to: FileHandle.nullDevice)
        }
        #expect(error.reason.contains("log field that is not a place mpibatch can read"), "\(error)")
        #expect(!error.reason.contains("only command and shell tasks"))
    }

    @Test func csvSafeGuardsCellsThatWouldRunAsFormulas() {
        #expect(ResultsTable.formulaGuarded("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0")
        for text in ["+1+cmd", "-x", "@SUM(A1)", "\tx", "\rx"] { #expect(ResultsTable.formulaGuarded(text) == "'" + text) }
        for text in ["-2.5", "+3", "plain", "", "1e3", "a=b"] { #expect(ResultsTable.formulaGuarded(text) == text) }
    }
}

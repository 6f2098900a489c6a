import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJournal
@testable import MPIBatchReporting
@testable import MPIBatchRuntime
@testable import MPIBatchWorkloads

/// Numbers that come from the user or back from a file never reach an integer conversion
/// out of range (which kills the process with SIGILL): options are bounded before anything
/// is created, files read back are bounded or formatted whatever they hold.
@Suite struct ReadBackBoundsTests {
    @Test func timeOptionsAreBoundedToAboutThreeYears() {
        #expect(RunOptionBounds.heartbeatTimeoutProblem(1e20)?.hasPrefix("--heartbeat-timeout") == true)
        #expect(RunOptionBounds.heartbeatTimeoutProblem(RunOptionBounds.longestSeconds) == nil)
        #expect(RunOptionBounds.graceProblem(1e20)?.hasPrefix("--grace") == true)
        #expect(RunOptionBounds.graceProblem(RunOptionBounds.longestSeconds) == nil)
        #expect(RunOptionBounds.deadlineProblem("1e20s", now: Date())?.hasPrefix("--deadline") == true)
        #expect(RunOptionBounds.deadlineProblem("1e8s", now: Date()) == nil)
    }

    @Test func aSummaryWithHugeFiguresIsReportedAgain() async throws {
        let directory = temporaryRunDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try await runInMemory(CountingWorkload(taskCount: 20), ranks: 1, directory: directory)
        let path = directory + "/summary.json"
        var summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        for key in ["wall_seconds", "task_seconds", "speedup", "overhead_seconds_per_task"] {
            summary[key] = 1e19
        }
        try JSONSerialization.data(withJSONObject: summary).write(to: URL(fileURLWithPath: path))
        let text = try RunReport.render(directory: directory)
        #expect(text.contains("wall 1e+19 s"))
        _ = try RunReports.write(directory: directory)
        let caption = try String(contentsOfFile: directory + "/timeline.svg", encoding: .utf8)
        #expect(caption.contains("wall 1e+19 s"))
    }

    @Test func numberTextWritesAnyNumber() {
        #expect(NumberText.duration(1e19) == "1e+19 s")
        #expect(NumberText.duration(.infinity) == "inf s")
        #expect(NumberText.duration(.nan) == "nan s")
        #expect(NumberText.bytes(.nan) == "nan B")
        #expect(NumberText.bytes(-1e300) == "-1e+300 B")
    }

    @Test(arguments: ["start", "seconds", "started_at", "cpu_seconds"])
    func aJournalTimeOutOfRangeIsAnErrorAtItsColumn(field: String) throws {
        for number in ["1e999", "-1e999", "1e12"] {
            let line = #"{"index":0,"params":{},"status":"ok","seconds":0.5,"start":1,"started_at":1796000000,"#
                + #""rank":0,"slot":0,"attempt":1,"cpu_seconds":0.1,"value":null,"error":null}"#
            let bad = line.replacing(try Regex("\"\(field)\":[0-9.]+"), with: "\"\(field)\":\(number)")
            var bytes = Array(bad.utf8)
            let error = try #require(throws: JournalSyntaxError.self) {
                try bytes.withUnsafeMutableBufferPointer { (buffer) throws(JournalSyntaxError) in
                    _ = try JournalLineScanner.scan(UnsafeBufferPointer(buffer))
                }
            }
            #expect(error.reason.contains("\"\(field)\" is out of range"))
            #expect(error.offset == Array(bad.utf8).firstRange(of: Array(number.utf8))?.lowerBound)
        }
    }

    @Test func sleepAndSpinRefuseMillisecondsBeyondAboutThreeYears() async throws {
        let context = TaskContext(index: 0, attempt: 1, rank: 0, slot: 0, outputDirectory: "/tmp")
        for kernel in [SpinKernel() as any Kernel, SleepKernel()] {
            for ms in [1e20, -1, Double.nan] {
                let error = await #expect(throws: KernelArgumentError.self) {
                    try await kernel.run(KernelArguments(["ms": .real(ms)]), context: context)
                }
                #expect(error?.description.contains("milliseconds from 0 to 100000000000") == true)
            }
        }
    }
}

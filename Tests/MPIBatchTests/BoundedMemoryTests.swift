import Foundation
import Testing
@testable import MPIBatchCore
@testable import MPIBatchJob
@testable import MPIBatchWorkloads

/// What a task or a table may make rank 0 hold is bounded: a run-time table is refused as soon
/// as it passes `max_tasks:`, a `result: file:` over `max_output:` fails its task unread.
@Suite struct BoundedMemoryTests {
    @Test func aTableOverMaxTasksIsRefusedBeforeItsRestIsRead() throws {
        // Past the bound the rows are malformed: read whole, they would be another error.
        let table = try CSVTable(parsing: "x\n1\n2\n3\n4,ragged\n\"unclosed", path: "t.csv", maxRows: 2)
        #expect(table.hasMoreRows)
        #expect(table.columns == [[.string("1"), .string("2")]])
        #expect(try !CSVTable(parsing: "x\n1\n2\n", path: "t.csv", maxRows: 2).hasMoreRows)
        let list = try JSONExtents.items(ofList: Array("[1, 2, 3, {\"never\": ".utf8), limit: 3)
        #expect(list.items.count == 3 && list.more)
        let error = #expect(throws: RunTimeTableError.self) {
            try ValuesOnTheWayTests.expandValue(#"[{"n": 1}, {"n": 2}, {"n": 3}, {"#, columns: [("n", .integer)], maxTasks: 2)
        }
        #expect(error?.description.contains("more rows than the stage's max_tasks of 2") == true)
    }

    @Test func aResultFileOverMaxOutputFailsItsTaskAfterLimitBytes() async throws {
        let directory = makeJobTestDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = "sweep: {grid: {n: [1023, 1024, 1025]}}\ntask:\n  shell: 'head -c {n} /dev/zero | tr \\\\0 a > r{index}.txt'\n"
            + "  cwd: .\n  result: file:r{index}.txt\n  max_output: 1KiB\n"
        let job = try SweepWorkload(job: JobLoader.load(path: writeJobFile(text, in: directory), kernels: KernelCatalog.builtIn))
        #expect(try await job.run(commandContext(0, directory + "/out")) == .text(String(repeating: "a", count: 1023)))
        #expect(try await job.run(commandContext(1, directory + "/out")) == .text(String(repeating: "a", count: 1024)))
        let error = await #expect(throws: CommandFailure.self) { try await job.run(commandContext(2, directory + "/out")) }
        #expect(String(describing: error).contains("r2.txt is larger than max_output: (1024 bytes)"))
    }
}

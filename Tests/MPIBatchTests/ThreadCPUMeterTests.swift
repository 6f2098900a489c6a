import Testing
@testable import MPIBatchCore
@testable import MPIBatchRuntime
@testable import MPIBatchWorkloads

/// A kernel task's CPU time is read on the thread that runs it, whichever thread the slot
/// that waits for it resumes on.
@Suite struct ThreadCPUMeterTests {
    @Test func aMeterNotRunHasNoReading() {
        #expect(ThreadCPUMeter().reading == nil)
    }

    @Test func tasksOfTheirOwnAreEachReadOnTheirOwnThread() async throws {
        // Three 40 ms spins as tasks of their own at once (as a rank runs tasks over 1 ms),
        // more than this machine's cores: each reading is its own spin, not its waiter's
        // thread and not its neighbours'.
        let meters = (0..<3).map { _ in ThreadCPUMeter() }
        let tasks = meters.map { meter in
            Task { try await meter.measure { SpinKernel.spin(milliseconds: 40); return .number(40) } }
        }
        for task in tasks { _ = try await task.value }
        for meter in meters {
            let reading = try #require(meter.reading)
            #expect(reading >= 40_000_000 && reading < 45_000_000, "read \(reading) ns for a 40 ms spin")
        }
    }

    @Test func aThrowingBodyIsReadToo() async {
        let meter = ThreadCPUMeter()
        await #expect(throws: CancellationError.self) {
            _ = try await meter.measure { SpinKernel.spin(milliseconds: 10); throw CancellationError() }
        }
        #expect((meter.reading ?? 0) >= 10_000_000)
    }
}

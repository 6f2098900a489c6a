import Testing
@testable import MPIBatchRuntime

/// A slot reads its thread's CPU clock around long tasks and one short task in 64, and gives
/// the others their wall time at the share it last read.
@Suite struct CPUClockSamplerTests {
    @Test func readsAfterLongTasksAndOneShortTaskInAPeriod() {
        var sampler = CPUClockSampler()
        let first = sampler.readsNext()
        #expect(first, "the first task is read")
        sampler.took(nanoseconds: 2_000, cpuSeconds: 0.000_000_5)  // short, a quarter of it CPU
        var reads = 0
        for _ in 0..<(CPUClockSampler.period * 4) {
            let read = sampler.readsNext()
            if read { reads += 1 }
            sampler.took(nanoseconds: 2_000, cpuSeconds: read ? 0.000_000_5 : nil)
        }
        #expect(reads == 4)
        #expect(abs(sampler.estimate(seconds: 0.000_002) - 0.000_000_5) < 1e-15)
        sampler.took(nanoseconds: CPUClockSampler.longNanoseconds, cpuSeconds: nil)
        let afterLong = sampler.readsNext()
        #expect(afterLong, "a long task's successor is read")
        sampler.took(nanoseconds: 2_000, cpuSeconds: 0.000_001)
        let afterShort = sampler.readsNext()
        #expect(!afterShort, "a short task's successor is not")
        #expect(abs(sampler.estimate(seconds: 0.000_002) - 0.000_001) < 1e-15)
    }

    @Test func theShareIsAtMostOne() {
        var sampler = CPUClockSampler()
        _ = sampler.readsNext()
        sampler.took(nanoseconds: 1_000, cpuSeconds: 0.000_003)
        #expect(sampler.estimate(seconds: 2) == 2)
    }
}

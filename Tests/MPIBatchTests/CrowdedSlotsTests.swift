import Testing
@testable import MPIBatchLaunch

/// Rank 0 warns when its default slots outnumber the CPUs its launcher bound it to.
@Suite struct CrowdedSlotsTests {
    @Test func onlyDefaultSlotsBeyondTheMaskAreWarnedAbout() throws {
        let warning = try #require(MPILaunch.crowdedSlotsWarning(slots: 64, requested: nil, allowedCPUs: [0]))
        #expect(warning.hasPrefix("rank 0 may run only on CPU 0 (its affinity, as the launcher bound it) but has 64 slots: its tasks share that CPU."))
        #expect(warning.hasSuffix("launch with `mpirun --bind-to none`, or give --slots 1"))
        #expect(MPILaunch.crowdedSlotsWarning(slots: 8, requested: nil, allowedCPUs: [0, 1, 2, 3])?.contains("those 4 CPUs") == true)
        #expect(MPILaunch.crowdedSlotsWarning(slots: 64, requested: 64, allowedCPUs: [0]) == nil)  // asked for
        #expect(MPILaunch.crowdedSlotsWarning(slots: 2, requested: nil, allowedCPUs: [0, 1]) == nil)
        #expect(MPILaunch.crowdedSlotsWarning(slots: 2, requested: nil, allowedCPUs: nil) == nil)  // no affinity here
        #expect(MPILaunch.crowdedSlotsWarning(slots: 2, requested: nil, allowedCPUs: []) == nil)
    }
}

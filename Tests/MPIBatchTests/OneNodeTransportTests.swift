import Testing
@testable import MPIBatchWorkloads

/// Open MPI's shared-memory path is chosen for a rank only when mpirun says its whole job is
/// on this node and nobody chose a point-to-point layer; the choice never reaches a task.
@Suite struct OneNodeTransportTests {
    @Test func aJobOnOneNodeGetsObOne() {
        let ranks = ["OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_LOCAL_SIZE": "2", "OMPI_COMM_WORLD_RANK": "1"]
        #expect(OneNodeTransport.chosen(for: ranks) == ["OMPI_MCA_pml": "ob1"])
        #expect(OneNodeTransport.chosen(for: ["OMPI_COMM_WORLD_SIZE": "1", "OMPI_COMM_WORLD_LOCAL_SIZE": "1"]) == ["OMPI_MCA_pml": "ob1"])
    }

    @Test func severalNodesAUsersChoiceOrAnotherLauncherAreLeftAlone() {
        #expect(OneNodeTransport.chosen(for: ["OMPI_COMM_WORLD_SIZE": "64", "OMPI_COMM_WORLD_LOCAL_SIZE": "16"]) == [:])
        for choice in ["ucx", "cm", "^monitoring", ""] {
            let chosen = ["OMPI_COMM_WORLD_SIZE": "2", "OMPI_COMM_WORLD_LOCAL_SIZE": "2", "OMPI_MCA_pml": choice]
            #expect(OneNodeTransport.chosen(for: chosen) == [:])
        }
        #expect(OneNodeTransport.chosen(for: ["PMI_RANK": "0", "MPI_LOCALNRANKS": "2", "PMI_SIZE": "2"]) == [:])
        #expect(OneNodeTransport.chosen(for: ["SLURM_PROCID": "0", "PMIX_RANK": "0"]) == [:])
        #expect(OneNodeTransport.chosen(for: [:]) == [:])
        #expect(OneNodeTransport.chosen(for: ["OMPI_COMM_WORLD_SIZE": "two", "OMPI_COMM_WORLD_LOCAL_SIZE": "two"]) == [:])
        #expect(OneNodeTransport.chosen(for: ["OMPI_COMM_WORLD_SIZE": "0", "OMPI_COMM_WORLD_LOCAL_SIZE": "0"]) == [:])
    }

    /// Before `apply` set anything (this test process never calls it), a user's own
    /// `OMPI_MCA_pml` passes to tasks like any MPI setting; a rank's identity never does.
    @Test func aUsersSettingPassesToTasks() {
        #expect(LauncherVariables.passesToTasks("OMPI_MCA_pml"))
        #expect(LauncherVariables.passesToTasks("OMPI_MCA_btl"))
        #expect(!LauncherVariables.passesToTasks("OMPI_COMM_WORLD_RANK"))
    }
}

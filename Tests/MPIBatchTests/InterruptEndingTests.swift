import Testing
@testable import MPIBatchLaunch
@testable import MPIBatchRuntime

@Suite struct InterruptEndingTests {
    /// Issue 23: a second Ctrl-C ends the grace at once; other signals keep theirs.
    @Test func aSecondSIGINTEndsTheGrace() {
        #expect(InterruptSignal.interrupt.graceSeconds(configured: 30, underMpirun: false, repeated: true) == 0)
        #expect(InterruptSignal.interrupt.graceSeconds(configured: 30, underMpirun: false) == 30)
        #expect(InterruptSignal.terminate.graceSeconds(configured: 30, underMpirun: false, repeated: true) == 30)
        #expect(InterruptSignal.hangup.graceSeconds(configured: 30, underMpirun: true) == InterruptSignal.underMpirunGrace)
        #expect(InterruptSignal.allCases.contains(.hangup))
    }

    /// Issue 24: the command that continues a run, behind the launcher that ran it.
    @Test func theCommandThatContinuesARun() {
        #expect(
            ContinueCommand.text(job: "jobs/heat.yaml", outputDirectory: "runs/heat-1", ranks: 1, environment: [:])
                == "mpibatch run jobs/heat.yaml --out runs/heat-1 --resume")
        #expect(
            ContinueCommand.text(job: "my job.yaml", outputDirectory: "runs/x", ranks: 4, environment: ["OMPI_MCA_orte_hnp_uri": "1"])
                == "mpirun -np 4 mpibatch run 'my job.yaml' --out runs/x --resume")
        #expect(
            ContinueCommand.text(job: "j.yaml", outputDirectory: "o", ranks: 8, environment: ["SLURM_STEP_ID": "0"])
                == "srun mpibatch run j.yaml --out o --resume")
    }

    /// Issue 24: only rank 0 reports bad input; the rank comes from the launcher's environment.
    @Test func theLaunchRankComesFromTheLauncher() {
        #expect(LaunchRank.rank(environment: [:]) == 0)
        #expect(LaunchRank.rank(environment: ["OMPI_COMM_WORLD_RANK": "3", "SLURM_PROCID": "0"]) == 3)
        #expect(LaunchRank.rank(environment: ["PMIX_RANK": "2"]) == 2)
        #expect(LaunchRank.rank(environment: ["SLURM_PROCID": "5"]) == 5)
    }
}

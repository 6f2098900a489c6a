// MPIBatchWorkloads: one layer of the library (docs/layers.md).
//
// What tasks do, one folder per kind: Sweep/, MonteCarlo/, StageGraph/, with the
// tasks they run (Kernels/, Command/, PersistentWorker/, Process/) and
// `WorkloadFactory`, the one place a spec becomes what runs.
//
// May import: MPIBatchCore, MPIBatchJob, MPIBatchPlan, MPIBatchJournal, MPIBatchScheduling,
// MPIBatchRuntime, CLanes, CProcessGuard, CAffinity (SystemPackage).

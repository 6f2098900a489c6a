// MPIBatchRuntime: one layer of the library (docs/layers.md).
//
// Transport (MPI, in memory), the worker and its local pool, task execution,
// signals, the run's configuration and its preparation on rank 0.
//
// May import: MPIBatchCore, MPIBatchJob, MPIBatchJournal, MPIBatchScheduling, SwiftMPI, CCPUCheck.

// MPIBatch: the library users import, one module that re-exports every layer
// (docs/layers.md). A kernel author writes `import MPIBatch` and sees the same public
// API as before the layers were targets; the layers' shared internals are `package`.
@_exported import MPIBatchCore
@_exported import MPIBatchImport
@_exported import MPIBatchJob
@_exported import MPIBatchJournal
@_exported import MPIBatchLaunch
@_exported import MPIBatchPlan
@_exported import MPIBatchReporting
@_exported import MPIBatchRuntime
@_exported import MPIBatchScaling
@_exported import MPIBatchScheduling
@_exported import MPIBatchWorkloads

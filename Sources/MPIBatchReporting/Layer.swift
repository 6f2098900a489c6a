// MPIBatchReporting: one layer of the library (docs/layers.md).
//
// What a run says afterwards: `summary.json`, the text summary, the report page,
// the timeline, findings, progress.
//
// May import: MPIBatchCore, MPIBatchJournal, MPIBatchScheduling, MPIBatchWorkloads.

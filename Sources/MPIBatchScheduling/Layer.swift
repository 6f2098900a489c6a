// MPIBatchScheduling: one layer of the library (docs/layers.md).
//
// Rank 0's pure state machines: messages in, actions out, no I/O. The coordinator,
// chunk policies, work sources, early stops, the wire messages, and the reducers'
// and summaries' types.
//
// May import: MPIBatchCore, MPIBatchJob, MPIBatchPlan, MPIBatchJournal.

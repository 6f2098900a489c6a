// MPIBatchLaunch: one layer of the library (docs/layers.md).
//
// A run end to end: MPI start, rank 0's coordinator driver, every rank's worker,
// the journal and the reports, `continue`.
//
// May import: every layer below it (not Import or Scaling), SwiftMPI.

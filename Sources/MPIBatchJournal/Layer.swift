// MPIBatchJournal: one layer of the library (docs/layers.md).
//
// The run directory's files and their one reader and writer: `results.jsonl`
// (append, flush, resume state), the run lock, rank and task logs.
//
// May import: MPIBatchCore (SystemPackage).

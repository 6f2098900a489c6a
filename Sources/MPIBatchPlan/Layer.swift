// MPIBatchPlan: one layer of the library (docs/layers.md).
//
// What a spec means, task by task: the index space, templates expanded for task i,
// task descriptions and seeds, stage values, `mpibatch plan`/`validate`.
//
// May import: MPIBatchCore, MPIBatchJob.

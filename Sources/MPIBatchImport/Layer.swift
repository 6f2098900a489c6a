// MPIBatchImport: one layer of the library (docs/layers.md).
//
// Job files made from other tools' projects (`mpibatch import dbt`).
//
// May import: MPIBatchCore, MPIBatchJob.

// MPIBatchScaling: one layer of the library (docs/layers.md).
//
// `mpibatch scale`: a scaling study over runs and its chart.
//
// May import: MPIBatchCore, MPIBatchReporting.

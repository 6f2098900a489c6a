// MPIBatchJob: one layer of the library (docs/layers.md).
//
// The job file as parsed: specs only (sweeps, Monte Carlo, stage graphs, tasks),
// validated with `path:line:col` errors, never built into what runs.
//
// May import: MPIBatchCore, Yams.

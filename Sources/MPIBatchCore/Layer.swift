// MPIBatchCore: one layer of the library (docs/layers.md).
//
// The shared vocabulary every layer speaks: index ranges, JSON writing and reading,
// output files, numbers as text, clocks, findings, and what one task gives back
// (`TaskRecord`, `TaskValue`, `TaskLog`, `TaskUsage`); messages on stderr (`Diagnostics`);
// what Linux and macOS spell differently (`Platform`, extended in the layer that needs it).
//
// May import: nothing of the library (SystemPackage only).

/// What differs between the two C libraries Package.swift names, Linux's glibc and macOS's
/// Darwin, each concern in one file of the layer that needs it: resource usage here
/// (`Platform+Usage.swift`), descriptors and spawning in `MPIBatchWorkloads/Process/`. Every
/// other call into the C library is one that both spell alike.
///
/// Built and tested on Linux only; the Darwin branches are written from Apple's headers and
/// have not been compiled (docs/layers.md, "Platforms").
package enum Platform {}

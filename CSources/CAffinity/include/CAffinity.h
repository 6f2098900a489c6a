#ifndef CAFFINITY_H
#define CAFFINITY_H

// The calling thread's CPU affinity, for `--bind cores` (MPIBatchWorkloads/Process).
//
// Why C: `sched_getaffinity`, `sched_setaffinity` and the `CPU_SET` macros are GNU
// extensions that Swift's Glibc module does not show (they need _GNU_SOURCE, and macros
// do not reach Swift). Both return -1 where the system has no CPU affinity (Darwin).

/// Writes the CPUs the calling thread may run on, ascending, to `cpus` (room for
/// `capacity`); returns how many there are (possibly more than `capacity`), or -1.
int caffinity_get(int *cpus, int capacity);

/// Confines the calling thread to the `count` CPUs in `cpus`; returns 0, or -1 (errno set).
int caffinity_set(const int *cpus, int count);

#endif

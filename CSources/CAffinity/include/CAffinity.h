#ifndef CAFFINITY_H
#define CAFFINITY_H

#include <sys/types.h>

// CPU affinity: the calling thread's, for `--bind cores` (MPIBatchWorkloads/Process), and
// any thread's (a process id names its main thread), to widen Open MPI's default binding.
//
// Why C: `sched_getaffinity`, `sched_setaffinity` and the `CPU_SET` macros are GNU
// extensions that Swift's Glibc module does not show (they need _GNU_SOURCE, and macros
// do not reach Swift). Both return -1 where the system has no CPU affinity (Darwin).

/// Writes the CPUs the calling thread may run on, ascending, to `cpus` (room for
/// `capacity`); returns how many there are (possibly more than `capacity`), or -1.
int caffinity_get(int *cpus, int capacity);

/// Confines the calling thread to the `count` CPUs in `cpus`; returns 0, or -1 (errno set).
int caffinity_set(const int *cpus, int count);

/// `caffinity_get` of the thread `thread` (a thread id, or a process id for its main
/// thread; 0 for the calling thread).
int caffinity_get_of(pid_t thread, int *cpus, int capacity);

/// `caffinity_set` of the thread `thread` (0 for the calling thread).
int caffinity_set_of(pid_t thread, const int *cpus, int count);

#endif

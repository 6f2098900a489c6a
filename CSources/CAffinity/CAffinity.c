#define _GNU_SOURCE
#include "CAffinity.h"

#if defined(__linux__)
#include <errno.h>
#include <sched.h>

int caffinity_get(int *cpus, int capacity) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return -1;
    int count = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, &set)) continue;
        if (count < capacity) cpus[count] = cpu;
        count++;
    }
    return count;
}

int caffinity_set(const int *cpus, int count) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int i = 0; i < count; i++) {
        if (cpus[i] < 0 || cpus[i] >= CPU_SETSIZE) {
            errno = EINVAL;
            return -1;
        }
        CPU_SET(cpus[i], &set);
    }
    return sched_setaffinity(0, sizeof(set), &set);
}

#else

int caffinity_get(int *cpus, int capacity) {
    (void)cpus;
    (void)capacity;
    return -1;
}

int caffinity_set(const int *cpus, int count) {
    (void)cpus;
    (void)count;
    return -1;
}

#endif

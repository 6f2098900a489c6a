#define _GNU_SOURCE
#include "CAffinity.h"

#if defined(__linux__)
#include <errno.h>
#include <sched.h>

int caffinity_get_of(pid_t thread, int *cpus, int capacity) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(thread, sizeof(set), &set) != 0) return -1;
    int count = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, &set)) continue;
        if (count < capacity) cpus[count] = cpu;
        count++;
    }
    return count;
}

int caffinity_set_of(pid_t thread, const int *cpus, int count) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int i = 0; i < count; i++) {
        if (cpus[i] < 0 || cpus[i] >= CPU_SETSIZE) {
            errno = EINVAL;
            return -1;
        }
        CPU_SET(cpus[i], &set);
    }
    return sched_setaffinity(thread, sizeof(set), &set);
}

#else

int caffinity_get_of(pid_t thread, int *cpus, int capacity) {
    (void)thread;
    (void)cpus;
    (void)capacity;
    return -1;
}

int caffinity_set_of(pid_t thread, const int *cpus, int count) {
    (void)thread;
    (void)cpus;
    (void)count;
    return -1;
}

#endif

int caffinity_get(int *cpus, int capacity) { return caffinity_get_of(0, cpus, capacity); }

int caffinity_set(const int *cpus, int count) { return caffinity_set_of(0, cpus, count); }

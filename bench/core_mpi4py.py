"""mpi4py.futures, the peer of mpibatch's noop and spin tasks in bench/core.sh.

    mpirun -np N python -m mpi4py.futures bench/core_mpi4py.py WORKLOAD TASKS CHUNKSIZE...

WORKLOAD is noop (a function returning its argument, the task's index) or a
spin of that many milliseconds (0.1, 1): CPU time of the calling thread, as
mpibatch's spin kernel counts it. Rank 0 is the executor's master and runs no
task; the N-1 other ranks are its workers. The pool is started before the
clock, as mpibatch's wall_seconds starts after MPI start-up; every CHUNKSIZE
is then timed in turn on the same pool, with executor.map over TASKS tasks.
Prints one line per chunksize: workload, tasks, chunksize, workers, wall
seconds, tasks per second.
"""

import sys
import time

from mpi4py.futures import MPIPoolExecutor


def noop(index):
    """Returns its argument."""
    return index


def spin(milliseconds):
    """Burns `milliseconds` of this thread's CPU time, then returns them."""
    end = time.thread_time_ns() + int(milliseconds * 1e6)
    while time.thread_time_ns() < end:
        pass
    return milliseconds


def main():
    workload, tasks = sys.argv[1], int(sys.argv[2])
    chunksizes = [int(value) for value in sys.argv[3:]]
    if workload == "noop":
        function, arguments = noop, range(tasks)
    else:
        function, arguments = spin, [float(workload)] * tasks
    with MPIPoolExecutor() as executor:
        executor.bootup(wait=True)
        workers = executor.num_workers
        for chunksize in chunksizes:
            started = time.perf_counter()
            done = sum(1 for _ in executor.map(function, arguments, chunksize=chunksize))
            wall = time.perf_counter() - started
            assert done == tasks, f"{done} results for {tasks} tasks"
            print(f"mpi4py workload={workload} tasks={tasks} chunksize={chunksize} workers={workers} "
                  f"wall={wall:.3f} tasks_per_second={tasks / wall:.0f}", flush=True)


if __name__ == "__main__":
    main()

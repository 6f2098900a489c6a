"""mpi4py.futures, the peer of mpibatch's python: tasks in bench/python-functions.sh.

    mpirun -np 3 python -m mpi4py.futures bench/python_functions_mpi4py.py CALLS CHUNKSIZE...

Calls python_functions_model.add(a, b) CALLS times with executor.map (a, b from the same
grid as the mpibatch job: a in range(CALLS // 1000), b in range(1000)), once per
CHUNKSIZE on the same pool; rank 0 is the master, the other ranks its workers. Prints one
line per chunksize: calls, chunksize, workers, wall seconds of the map, calls per second.
"""

import sys
import time

from mpi4py.futures import MPIPoolExecutor

from python_functions_model import add


def main():
    calls = int(sys.argv[1])
    width = 1000 if calls >= 1000 else calls
    first = [a for a in range(calls // width) for _ in range(width)]
    second = [b for _ in range(calls // width) for b in range(width)]
    with MPIPoolExecutor() as executor:
        executor.bootup(wait=True)
        for chunksize in (int(value) for value in sys.argv[2:]):
            started = time.perf_counter()
            total = 0
            for value in executor.map(add, first, second, chunksize=chunksize):
                total += value
            wall = time.perf_counter() - started
            print(f"mpi4py calls={len(first)} chunksize={chunksize} workers={executor.num_workers} "
                  f"wall={wall:.3f} calls_per_second={len(first) / wall:.0f}", flush=True)


if __name__ == "__main__":
    main()

"""Models and peers for bench/montecarlo-python.sh (issue 28): a vectorised European call
per block, a 64-step per-path walk, and the plain loops they are compared with."""
import math, sys, time
from concurrent.futures import ProcessPoolExecutor

import numpy as np


def payoff(rng, n, s0, k, r, sigma, t):
    z = rng.standard_normal(n)
    st = s0 * np.exp((r - 0.5 * sigma * sigma) * t + sigma * math.sqrt(t) * z)
    return math.exp(-r * t) * np.maximum(st - k, 0.0)


def walk(seed, steps=64):
    return float(np.random.default_rng(seed).standard_normal(steps).cumsum()[-1])


def block_loop(paths, block, seed):
    """payoff over the same blocks in a plain Python loop, one process: seconds, and CPU seconds."""
    began, cpu = time.perf_counter(), time.process_time()
    for b in range((paths + block - 1) // block):
        rng = np.random.Generator(np.random.Philox(key=[seed, 0], counter=[0, 0, b, 0]))
        payoff(rng, min(block, paths - b * block), 42.0, 40.0, 0.1, 0.2, 0.5)
    return time.perf_counter() - began, time.process_time() - cpu


def pool(paths, seed, chunksize):
    """walk over SeedSequence(seed).spawn(paths) with ProcessPoolExecutor(2): seconds.
    chunksize 0: one future per path (submit), else executor.map at that chunksize."""
    began = time.perf_counter()
    children = np.random.SeedSequence(seed).spawn(paths)
    with ProcessPoolExecutor(max_workers=2) as executor:
        if chunksize == 0:
            values = [f.result() for f in [executor.submit(walk, child) for child in children]]
        else:
            values = list(executor.map(walk, children, chunksize=chunksize))
    assert len(values) == paths
    return time.perf_counter() - began


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "loop":
        print("%.6f %.6f" % block_loop(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
    else:
        print("%.6f" % pool(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))

#!/usr/bin/env python3
"""Seed 004's design: one path per task, for the European and the Asian call.

What users commonly write: a ProcessPoolExecutor with one task per path, each
task seeded from a numpy SeedSequence child stream (so results do not depend on
the pool), simulating one 64-step GBM path and returning its discounted payoff.
No batching on purpose: that per-task overhead is what the comparison measures.

    python3 bench/montecarlo_numpy_peer.py 100000
    paths_per_second=12345.6 estimate=4.76
"""

import argparse
import concurrent.futures
import math
import time

import numpy as np

S0, K, R, SIGMA, T, STEPS = 42.0, 40.0, 0.10, 0.20, 0.5, 64


def simulate_path(child: np.random.SeedSequence, asian: bool = False) -> float:
    """One GBM path of STEPS exact log-normal steps; its discounted call payoff
    (on the average of the STEPS step-end prices if `asian`)."""
    rng = np.random.default_rng(child)
    dt = T / STEPS
    increments = (R - 0.5 * SIGMA * SIGMA) * dt + SIGMA * math.sqrt(dt) * rng.standard_normal(STEPS)
    spot = S0 * (np.exp(np.cumsum(increments)).mean() if asian else math.exp(increments.sum()))
    return math.exp(-R * T) * max(spot - K, 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", type=int, help="number of paths (one task each)")
    parser.add_argument("--kernel", choices=["european", "asian"], default="european")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    start = time.perf_counter()
    children = np.random.SeedSequence(args.seed).spawn(args.paths)
    with concurrent.futures.ProcessPoolExecutor(max_workers=args.workers) as pool:
        futures = [pool.submit(simulate_path, child, args.kernel == "asian") for child in children]
        total = sum(future.result() for future in futures)
    seconds = time.perf_counter() - start
    print(f"paths_per_second={args.paths / seconds:.1f} estimate={total / args.paths:.6f}")


if __name__ == "__main__":
    main()

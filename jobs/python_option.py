"""A European call priced by Monte Carlo, written the way a numpy user writes it.

mpibatch calls payoff(rng, n, **params) once per block of n paths; rng is a
numpy.random.Generator whose stream depends only on the job's seed and the block's
index, so the estimate is the same on any number of ranks. Run it on its own too:

    python3 jobs/python_option.py        # the same blocks in a plain loop, and Black-Scholes
"""
import math

import numpy as np


def payoff(rng, n, s0, k, r, sigma, t):
    """The discounted payoffs of n paths of a geometric Brownian motion to maturity t."""
    z = rng.standard_normal(n)
    st = s0 * np.exp((r - 0.5 * sigma * sigma) * t + sigma * math.sqrt(t) * z)
    return math.exp(-r * t) * np.maximum(st - k, 0.0)


def black_scholes(s0, k, r, sigma, t):
    """The exact price the estimate should approach."""
    d1 = (math.log(s0 / k) + (r + 0.5 * sigma * sigma) * t) / (sigma * math.sqrt(t))
    d2 = d1 - sigma * math.sqrt(t)
    cdf = lambda x: 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))
    return s0 * cdf(d1) - k * math.exp(-r * t) * cdf(d2)


if __name__ == "__main__":
    params = dict(s0=42.0, k=40.0, r=0.1, sigma=0.2, t=0.5)
    seed, paths, block = 2024, 1_000_000, 65536
    values = np.concatenate([
        payoff(np.random.Generator(np.random.Philox(key=[seed, 0], counter=[0, 0, b, 0])), min(block, paths - b * block), **params)
        for b in range((paths + block - 1) // block)])
    print("estimate %.6f  stderr %.6f  Black-Scholes %.6f" % (values.mean(), values.std(ddof=1) / math.sqrt(paths), black_scholes(**params)))

"""Monte Carlo models for Tests/Integration/more-mc-python.sh: good ones and hostile ones."""
import time

import numpy as np


def payoff(rng, n, s0=42.0, k=40.0, sigma=0.2):
    """A vectorised call payoff, the shape of a pricing desk's model."""
    z = rng.standard_normal(n)
    return np.maximum(s0 * np.exp(sigma * z - 0.5 * sigma * sigma) - k, 0.0)


def slow_payoff(rng, n, pause=0.05):
    """payoff, slowly: a run to kill in the middle."""
    time.sleep(pause)
    return payoff(rng, n)


def short(rng, n):
    """One value too few."""
    return rng.standard_normal(n - 1)


def nonfinite(rng, n):
    """NaN where a uniform draw is negative, +inf where another draw is 0."""
    x = np.log(rng.uniform(-0.002, 1, n))
    x[rng.integers(0, 700, n) == 0] = np.inf
    return x


def text(rng, n):
    """Not numbers."""
    return "a string"


def walk(seed, steps=64, bad=-1):
    """A per-path model: the end of a Gaussian walk from numpy's default_rng(seed)."""
    if getattr(seed, "spawn_key", None) == (bad,):
        raise ValueError("path %d is bad on purpose" % bad)
    return float(np.random.default_rng(seed).standard_normal(steps).cumsum()[-1])


def rank_payoff(rng, n):
    """The rank and slot of the worker that ran the block (MPIBATCH_RANK + 10 * MPIBATCH_SLOT)."""
    import os
    return np.full(n, float(os.environ["MPIBATCH_RANK"]) + 10 * float(os.environ["MPIBATCH_SLOT"]))

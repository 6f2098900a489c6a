"""A user's model for jobs/python-sweep.yaml: plain Python, called once per task by
mpibatch's persistent Python worker (imported once per slot, not once per task)."""

import math


def _normal_cdf(z):
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def call_price(s0, k, sigma, r=0.05, t=1.0):
    """Black-Scholes price of a European call: the task's value."""
    d1 = (math.log(s0 / k) + (r + 0.5 * sigma * sigma) * t) / (sigma * math.sqrt(t))
    d2 = d1 - sigma * math.sqrt(t)
    return s0 * _normal_cdf(d1) - k * math.exp(-r * t) * _normal_cdf(d2)


def noisy_price(s0, k, sigma, seed, index):
    """The same with a seeded perturbation: `seed` and `index` are passed because they are named."""
    import random

    rng = random.Random(seed)
    return {"index": index, "price": call_price(s0, k, sigma) * (1 + 0.01 * rng.gauss(0, 1))}

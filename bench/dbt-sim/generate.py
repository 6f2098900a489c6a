#!/usr/bin/env python3
"""Writes bench/dbt-sim/models/: the shape of the state-accumulating simulations `mpibatch
import dbt` is for (issue 29), on Postgres, each model's cost a pg_sleep:

- stg_inputs: one staging model;
- three state accumulators (y2021..y2023_state_accumulator), 2 s each, behind stg_inputs
  (so a generation later than the rest) and each after the previous year: run in year order;
- 40 independent models, costs drawn once from a lognormal (mean 0.5 s, sigma 1, seed 29)
  and written into the models;
- four chains of five 0.3 s models.

Every cost is multiplied by var('time_scale', 1), so bench/dbt.sh can run it small.
Run it again only to change the project: the drawn costs are committed with it."""
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "models")
SIGMA = 1.0
MEAN = 0.5


def sleep(seconds):
    return "(select 1 from pg_sleep(%.3f * {{ var('time_scale', 1) }})) as slept" % seconds


def write(name, sql):
    with open(os.path.join(MODELS, name + ".sql"), "w") as out:
        out.write(sql.strip() + "\n")


def main():
    os.makedirs(MODELS, exist_ok=True)
    for old in os.listdir(MODELS):
        if old.endswith(".sql"):
            os.remove(os.path.join(MODELS, old))
    write("stg_inputs", "select g as k, g * 7 %% 13 as x, %s from generate_series(1, 100) g" % sleep(0.2))
    previous = None
    for year in (2021, 2022, 2023):
        before = "(select coalesce(max(total), 0) from {{ ref('%s') }})" % previous if previous else "0"
        write("y%d_state_accumulator" % year, """
select %d as year, %s + sum(x) as total, min(slept) as slept
from (select x, %s from {{ ref('stg_inputs') }}) s
""" % (year, before, sleep(2.0)))
        previous = "y%d_state_accumulator" % year
    rng = random.Random(29)
    mu = math.log(MEAN) - SIGMA ** 2 / 2
    for number in range(1, 41):
        cost = rng.lognormvariate(mu, SIGMA)
        write("independent_%02d" % number, "select %d as model, %.3f as cost, %s" % (number, cost, sleep(cost)))
    for chain in "abcd":
        for step in range(1, 6):
            source = "(select count(*) from {{ ref('chain_%s_%d') }})" % (chain, step - 1) if step > 1 else "0"
            write("chain_%s_%d" % (chain, step), "select '%s' as chain, %d as step, %s as before, %s" % (chain, step, source, sleep(0.3)))


if __name__ == "__main__":
    main()

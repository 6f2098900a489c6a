"""One task of the quick start: cool a hot rod and report how hot it still is.

Solves the 1-D heat equation u_t = alpha * u_xx on [0, 1] with an explicit
finite-difference scheme: the rod starts at 100 in its middle third and 0
elsewhere, its ends are held at 0. Prints one JSON object (the task's value).

    python3 heat.py --alpha 0.1 --cells 40
"""
import argparse
import json

parser = argparse.ArgumentParser()
parser.add_argument("--alpha", type=float, required=True, help="diffusivity")
parser.add_argument("--cells", type=int, required=True, help="grid cells")
parser.add_argument("--time", type=float, default=0.1, help="simulated time")
args = parser.parse_args()

dx = 1.0 / args.cells
dt = 0.4 * dx * dx / args.alpha  # inside the explicit scheme's stability limit (0.5)
steps = max(1, round(args.time / dt))
u = [100.0 if args.cells / 3 <= i < 2 * args.cells / 3 else 0.0 for i in range(args.cells + 1)]
r = args.alpha * dt / (dx * dx)
for _ in range(steps):
    u = [0.0] + [u[i] + r * (u[i - 1] - 2 * u[i] + u[i + 1]) for i in range(1, args.cells)] + [0.0]

print(json.dumps({"peak": round(max(u), 4), "mean": round(sum(u) / len(u), 4), "steps": steps}))

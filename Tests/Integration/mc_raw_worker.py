"""A Monte Carlo worker written from docs/worker-protocol.md alone (not mpibatch's own
Python worker): it reads batches on MPIBATCH_WORKER_FDS, draws each block from numpy's
Philox with the block's key and counter, and answers with "float64": n and a float64 frame."""
import json, os, struct, sys

import numpy as np

fd_in, fd_out = (int(fd) for fd in os.environ["MPIBATCH_WORKER_FDS"].split(","))
stream = os.fdopen(fd_in, "rb")


def receive():
    head = stream.read(5)
    if len(head) < 5:
        return None
    length, kind = struct.unpack("<IB", head)
    return json.loads(stream.read(length - 1))


def send(kind, payload):
    data = struct.pack("<IB", len(payload) + 1, kind) + payload
    while data:
        data = data[os.write(fd_out, data):]


hello = receive()
send(1, json.dumps({"kind": "ready", "protocol": 1, "worker": "raw test worker"}).encode())
while True:
    batch = receive()
    if batch is None:
        break
    for task in batch["tasks"]:
        plan = task["montecarlo"]
        rng = np.random.Generator(np.random.Philox(key=plan["key"], counter=plan["counter"]))
        z = rng.standard_normal(plan["paths"])
        params = task["params"]
        values = np.maximum(params["s0"] * np.exp(params["sigma"] * z - 0.5 * params["sigma"] ** 2) - params["k"], 0.0)
        send(1, json.dumps({"kind": "result", "index": task["index"], "float64": len(values)}).encode())
        send(2, values.astype("<f8").tobytes())

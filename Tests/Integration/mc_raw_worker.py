"""A Monte Carlo worker written from docs/worker-protocol.md alone (not mpibatch's own
Python worker): it reads batches on MPIBATCH_WORKER_FDS, draws each block from numpy's
Philox with the block's key and counter, and answers with "float64": n and a float64 frame;
with the argument "shared" it takes hello's shared_values and leaves each block in the ring
where it fits (item 9), with "shared-past-end" it says a block lies past the ring's end."""
import json, mmap, os, struct, sys

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


mode = sys.argv[1] if len(sys.argv) > 1 else "socket"
hello = receive()
ready = {"kind": "ready", "protocol": 1, "worker": "raw test worker"}
ring = None
if mode != "socket":
    offer = hello["shared_values"]
    ring = mmap.mmap(offer["fd"], offer["header"] + offer["bytes"])
    os.close(offer["fd"])
    header, size, written = offer["header"], offer["bytes"], 0
    ready["accepts"] = ["shared_values"]
send(1, json.dumps(ready).encode())
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
        data = values.astype("<f8").tobytes()
        result = {"kind": "result", "index": task["index"], "float64": len(values)}
        if ring is not None:
            at = written if written % size + len(data) <= size else written + size - written % size
            taken = struct.unpack_from("<Q", ring, 0)[0]
            if mode == "shared-past-end":
                result["shared_at"] = written + size - 8
            elif at + len(data) - taken <= size:
                ring[header + at % size:header + at % size + len(data)] = data
                written = at + len(data)
                result["shared_at"] = at
        send(1, json.dumps(result).encode())
        if "shared_at" not in result:
            send(2, data)

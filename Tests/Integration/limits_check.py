#!/usr/bin/env python3
"""limits_check.py RESULTS.jsonl LIMITED-STAGE LIMIT [--others-meanwhile] [--each-once N]

Reads a run's journal (as `mpibatch results DIR` prints it) and checks that the tasks of
LIMITED-STAGE never ran more than LIMIT at once (from started_at and seconds), that the
other tasks ran while they did (--others-meanwhile), and that every index 0..N-1 has exactly
one `ok` line (--each-once N). Prints `measured:` figures; exit 1 on a violation."""
import json
import sys


def peak(rows):
    events = []
    for row in rows:
        events += [(row["started_at"], 1), (row["started_at"] + row["seconds"], -1)]
    running = top = 0
    for _, change in sorted(events):
        running += change
        top = max(top, running)
    return top


def main():
    path, stage, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rows = [json.loads(line) for line in open(path) if line.strip()]
    limited = [r for r in rows if r["params"].get("stage") == stage and r["status"] in ("ok", "failed")]
    others = [r for r in rows if r["params"].get("stage") != stage]
    top = peak(limited)
    print(f"measured: {len(limited)} '{stage}' attempts, at most {top} at once (limit {limit})")
    if top > limit or (limited and top == 0):
        sys.exit(f"'{stage}' ran {top} at once, over its limit {limit}")
    if "--others-meanwhile" in sys.argv:
        meanwhile = sum(
            1 for o in others
            if any(l["started_at"] <= o["started_at"] < l["started_at"] + l["seconds"] for l in limited))
        print(f"measured: {meanwhile} other tasks started while '{stage}' ran")
        if meanwhile == 0:
            sys.exit("no other task ran while the limited ones did")
    if "--each-once" in sys.argv:
        count = int(sys.argv[sys.argv.index("--each-once") + 1])
        ok = sorted(r["index"] for r in rows if r["status"] == "ok")
        if ok != list(range(count)):
            sys.exit(f"ok indices are not 0..{count - 1} once each: {len(ok)} lines, {len(set(ok))} distinct")


main()

#!/usr/bin/env python3
"""Checks a run's journal the strict way (results.jsonl, or every node's shard in journal
order: journal_lines.py): every line is one JSON object on one line,
every index 0..N-1 has exactly one ok line and none lies outside, and (optionally)
writes the canonical results, one `[index, params, value]` per index, so that two runs
can be compared byte for byte (`cmp`).

usage: journal_check.py DIR N [--canonical FILE]

N may be `-`: the run's own tasks_total from summary.json (a Monte Carlo run stopped by
its target), and then lines beyond it (blocks simulated by an earlier part of a resumed
run before the target was met) are allowed and ignored.
"""
import json
import sys

import journal_lines


# On every line (users' scripts index them).
CONTRACT_KEYS = {"index", "params", "status", "seconds", "start", "started_at", "rank", "slot", "attempt", "cpu_seconds"}
# On a line only when they hold something: absent reads as null (`line.get("value")`).
HELD_KEYS = {"value", "error"}
# On every line of a task that runs a process each attempt (null where absent); on any
# other line (a kernel's, a persistent worker's) only when they hold something.
PROCESS_KEYS = {"exit_code", "signal", "max_rss_bytes"}


def main():
    directory = sys.argv[1]
    beyond_allowed = sys.argv[2] == "-"
    total = json.load(open(f"{directory}/summary.json"))["tasks_total"] if beyond_allowed else int(sys.argv[2])
    canonical = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--canonical" else None
    oks = {}
    for number, (_, raw) in enumerate(journal_lines.raw_lines(directory), 1):
        line = json.loads(raw)  # raises on a torn or multi-line entry
        missing_keys = CONTRACT_KEYS - line.keys()
        assert not missing_keys, f"line {number}: no {sorted(missing_keys)}"
        held = HELD_KEYS if PROCESS_KEYS <= line.keys() else HELD_KEYS | PROCESS_KEYS
        nulls = sorted(key for key in held & line.keys() if line[key] is None)
        assert not nulls, f"line {number}: {nulls} written as null (leave a key out when it holds nothing)"
        index = line["index"]
        if beyond_allowed and index >= total:
            continue
        assert 0 <= index < total, f"line {number}: index {index} outside 0..{total - 1}"
        if line["status"] == "ok":
            assert index not in oks, f"line {number}: index {index} has a second ok line"
            oks[index] = line
    missing = sorted(set(range(total)) - set(oks))
    assert not missing, f"{len(missing)} indices without an ok line, first {missing[:10]}"
    if canonical:
        with open(canonical, "w") as out:
            for index in range(total):
                out.write(json.dumps([index, oks[index]["params"], oks[index].get("value")]) + "\n")


if __name__ == "__main__":
    try:
        main()
    except (AssertionError, ValueError, KeyError) as problem:
        print(f"journal_check: {sys.argv[1]}: {problem}")
        sys.exit(1)

#!/usr/bin/env python3
"""Checks a run of gpus: tasks (each printing `dev=$CUDA_VISIBLE_DEVICES ...`) or memory: tasks
from its journal and its rank logs.

gpus  DIR N PER ALLOWED [--at-once K]: N tasks ok, each printed exactly PER distinct IDs, all among
      ALLOWED (comma-separated, e.g. 0,1,2,3 or n1=0,1;n2=4,5 per node by the journal's rank->host
      from summary.json's per_rank), equal to the journal's "gpus"; no two tasks on one node that overlapped in
      time held the same ID; with --at-once, K tasks ran at once at some moment.
apart DIR: no two tasks of the journal overlapped in time (memory: tasks a budget fits one at a time).
"""
import json
import os
import sys

import journal_lines


def journal(directory):
    """Every line of the run's journal (results.jsonl, or every node's shard), in journal order."""
    return journal_lines.lines(directory)


def stdout_of(directory, line):
    out = line["log"]["out"]
    with open(os.path.join(directory, "logs", "rank-%d.out" % line["rank"]), "rb") as f:
        f.seek(out[0])
        return f.read(out[1]).decode()


def hosts(directory):
    with open(os.path.join(directory, "summary.json")) as f:
        summary = json.load(f)
    return {r["rank"]: r["host"] for r in summary["per_rank"]}


def overlapping(a, b):
    return a["started_at"] < b["started_at"] + b["seconds"] and b["started_at"] < a["started_at"] + a["seconds"]


def most_at_once(lines):
    events = sorted([(l["started_at"], 1) for l in lines] + [(l["started_at"] + l["seconds"], -1) for l in lines])
    running = most = 0
    for _, step in events:
        running += step
        most = max(most, running)
    return most


def check_gpus(directory, count, per, allowed, at_once):
    lines = journal(directory)
    assert len(lines) == count and all(l["status"] == "ok" for l in lines), [(l["index"], l["status"], l.get("error")) for l in lines]
    rank_hosts = hosts(directory)
    if "=" in allowed:
        per_host = {host: set(ids.split(",")) for host, ids in (part.split("=") for part in allowed.split(";"))}
    else:
        per_host = None
    for l in lines:
        text = stdout_of(directory, l)
        seen = text.split("dev=")[1].split()[0].split(",")
        assert len(seen) == per and len(set(seen)) == per, (l["index"], text)
        assert l["gpus"] == ",".join(seen), (l["index"], l["gpus"], seen)
        host = rank_hosts[l["rank"]]
        ids = per_host[host] if per_host is not None else set(allowed.split(","))
        assert set(seen) <= ids, (l["index"], host, seen, ids)
        l["_host"], l["_ids"] = host, set(seen)
    for i, a in enumerate(lines):
        for b in lines[i + 1:]:
            if a["_host"] == b["_host"] and overlapping(a, b):
                assert not (a["_ids"] & b["_ids"]), ("shared a device while both ran", a["index"], b["index"], a["_ids"] & b["_ids"])
    most = most_at_once(lines)
    if at_once is not None:
        assert most >= at_once, ("at most %d ran at once, wanted %d" % (most, at_once))
    print("measured: %d tasks, at most %d at once" % (len(lines), most))


def check_apart(directory):
    lines = [l for l in journal(directory) if l["status"] == "ok"]
    for i, a in enumerate(lines):
        for b in lines[i + 1:]:
            assert not overlapping(a, b), ("ran at once", a["index"], b["index"])
    print("measured: %d tasks, never two at once" % len(lines))


if __name__ == "__main__":
    kind, directory = sys.argv[1], sys.argv[2]
    if kind == "gpus":
        at_once = int(sys.argv[7]) if len(sys.argv) > 7 and sys.argv[6] == "--at-once" else None
        check_gpus(directory, int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], at_once)
    else:
        check_apart(directory)

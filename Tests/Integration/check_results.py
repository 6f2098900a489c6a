#!/usr/bin/env python3
"""Checks a run directory: every index 0..N-1 appears exactly once with the
expected status in its journal (results.jsonl, or every node's shard in journal order:
journal_lines.py), and summary.json's counts agree with it.

usage: check_results.py DIR N [--failed I,J,...] [--ranks R]
"""
import json
import sys

import journal_lines


def main():
    directory, total = sys.argv[1], int(sys.argv[2])
    expected_failed = set()
    ranks = None
    args = sys.argv[3:]
    while args:
        flag, value, args = args[0], args[1], args[2:]
        if flag == "--failed":
            expected_failed = {int(i) for i in value.split(",") if i}
        elif flag == "--ranks":
            ranks = int(value)
    lines = journal_lines.lines(directory)
    last = {}
    for line in lines:
        last[line["index"]] = line  # the final attempt of each index
    problems = []
    if sorted(last) != list(range(total)):
        missing = sorted(set(range(total)) - set(last))[:10]
        problems.append(f"indices: {len(last)} distinct of {total}, missing {missing}")
    attempts_per_index = {}
    for line in lines:
        key = (line["index"], line["attempt"])
        attempts_per_index[key] = attempts_per_index.get(key, 0) + 1
    duplicated = [k for k, v in attempts_per_index.items() if v > 1]
    if duplicated:
        problems.append(f"duplicated attempts: {duplicated[:10]}")
    failed = {i for i, line in last.items() if line["status"] != "ok"}
    if failed != expected_failed:
        problems.append(f"failed indices {sorted(failed)[:10]}, expected {sorted(expected_failed)[:10]}")
    for i in failed:
        if not last[i].get("error") or last[i]["rank"] is None:
            problems.append(f"failed task {i} has no error or rank")
    summary = json.load(open(f"{directory}/summary.json"))
    if summary["tasks_total"] != total:
        problems.append(f"summary tasks_total {summary['tasks_total']} != {total}")
    if summary["tasks_succeeded"] != total - len(failed):
        problems.append(f"summary tasks_succeeded {summary['tasks_succeeded']} != {total - len(failed)}")
    if summary["tasks_failed"] != len(failed):
        problems.append(f"summary tasks_failed {summary['tasks_failed']} != {len(failed)}")
    if summary["attempts"] != len(lines):
        problems.append(f"summary attempts {summary['attempts']} != {len(lines)} journal lines")
    if ranks is not None and summary["ranks"] != ranks:
        problems.append(f"summary ranks {summary['ranks']} != {ranks}")
    if sum(r["tasks"] for r in summary["per_rank"]) != len(lines):
        problems.append("per-rank task counts do not add up to the journal")
    for key in ["wall_seconds", "task_seconds", "speedup", "efficiency", "imbalance", "throughput_tasks_per_second"]:
        if key not in summary:
            problems.append(f"summary lacks {key}")
    if problems:
        print("\n".join(problems))
        sys.exit(1)


main()

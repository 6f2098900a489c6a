#!/usr/bin/env python3
"""Reads every task's captured output the way `mpibatch logs` does (the final attempt's
journal line, in journal order over every node's shard (journal_lines.py): its `ok` line if
it has one, else its last; its `log` field's spans in
logs/rank-R.out|err, or its per-task files) and compares two runs task by task, so that
output attributed to the wrong task, or missing, is found.

usage: logs_check.py REFERENCE OUT
"""
import sys

import journal_lines


def outputs(directory):
    final = {}
    for line in journal_lines.lines(directory):
        if final.get(line["index"], {}).get("status") != "ok":
            final[line["index"]] = line
    result = {}
    for index, line in final.items():
        log = line["log"]
        streams = []
        for key in ("out", "err"):
            place = log[key]
            if isinstance(place, str):
                streams.append(open(f"{directory}/{place}", "rb").read())
                continue
            with open(f"{directory}/logs/rank-{line['rank']}.{key}", "rb") as file:
                file.seek(place[0])
                data = file.read(place[1])
            assert len(data) == place[1], f"task {index}: logs/rank-{line['rank']}.{key} is cut"
            streams.append(data)
        result[index] = tuple(streams)
    return result


def main():
    reference, out = outputs(sys.argv[1]), outputs(sys.argv[2])
    assert reference.keys() == out.keys(), f"indices differ: {sorted(reference.keys() ^ out.keys())[:10]}"
    wrong = [index for index in sorted(reference) if reference[index] != out[index]]
    assert not wrong, f"{len(wrong)} tasks' output differs, first {wrong[0]}: {out[wrong[0]]!r} instead of {reference[wrong[0]]!r}"


if __name__ == "__main__":
    try:
        main()
    except (AssertionError, ValueError, KeyError, OSError) as problem:
        print(f"logs_check: {sys.argv[2]}: {problem}")
        sys.exit(1)

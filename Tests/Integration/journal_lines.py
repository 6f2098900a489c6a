"""A run's journal lines in journal order, for the integration checks: `results.jsonl` in
file order, then the per-node shards' lines (`journal/nNNNN.pP.jsonl`, listed in
`journal/shards`) by part and dispatch sequence number, ties by shard name and offset
(docs/how-it-works.md, "A journal per node"). A listed shard that is missing is an error.

files(DIR) -> [path]: the journal's files; raw_lines(DIR) -> [(path, bytes)] in journal
order, each file checked to end with a newline; lines(DIR) -> [dict] in journal order.
"""
import json
import os
import re

SHARD = re.compile(r"^n(\d+)\.p(\d+)\.jsonl$")


def files(directory):
    """The journal's files: results.jsonl if present, then the shards by part and node."""
    found = []
    single = os.path.join(directory, "results.jsonl")
    if os.path.exists(single):
        found.append(single)
    shard_directory = os.path.join(directory, "journal")
    if os.path.isdir(shard_directory):
        listed = os.path.join(shard_directory, "shards")
        names = open(listed).read().split() if os.path.exists(listed) else []
        present = [n for n in os.listdir(shard_directory) if SHARD.match(n)]
        missing = sorted(set(names) - set(present))
        assert not missing, f"shards listed but missing: {missing}"
        keyed = sorted((int(SHARD.match(n).group(2)), int(SHARD.match(n).group(1)), n) for n in present)
        found += [os.path.join(shard_directory, n) for _, _, n in keyed]
    assert found, f"{directory}: no journal (results.jsonl or journal/)"
    return found


def raw_lines(directory):
    """Every line (bytes, without its newline) with its file, in journal order."""
    keyed = []
    for path in files(directory):
        data = open(path, "rb").read()
        assert data.endswith(b"\n") or not data, f"{path} does not end with a newline"
        shard = os.path.basename(path) != "results.jsonl"
        offset = 0
        for raw in data.split(b"\n")[:-1]:
            if shard:
                line = json.loads(raw)
                key = (1, line["part"], line["seq"], path, offset)
            else:
                key = (0, 0, 0, "", offset)
            keyed.append((key, path, raw))
            offset += len(raw) + 1
    keyed.sort(key=lambda item: item[0])
    return [(path, raw) for _, path, raw in keyed]


def lines(directory):
    """Every line, parsed, in journal order."""
    return [json.loads(raw) for _, raw in raw_lines(directory)]

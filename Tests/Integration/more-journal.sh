# The journal's promise (issue 10): nothing finished is lost or misrecorded, whatever the
# tasks print, however full the disk, whoever else writes in the directory. Sourced by
# run-all (uses check, expect_status, $BIN, $WORK, $MPIRUN, $HERE).

JCHECK=$HERE/journal_check.py

# A stage graph whose stage b fails until $1/fixed exists; d reads b's and c's values; e is an
# exclusive fan-out of 20 tasks after d. 24 tasks.
write_flaky_graph() { # DIR
    mkdir -p "$1"
    cat >"$1/dag.yaml" <<EOF
name: flaky-graph
stages:
  - {name: a, shell: "echo 1", result: stdout-last-line}
  - {name: b, after: [a], shell: "test -f $1/fixed && echo 2.5 || exit 3", result: stdout-last-line}
  - {name: c, after: [a], shell: "echo 3", result: stdout-last-line}
  - {name: d, after: [b, c], shell: "echo d {stages.b.value} {stages.c.value}", result: stdout-last-line}
  - name: e
    after: [d]
    exclusive: true
    sweep: {grid: {j: {range: [0, 20, 1]}}}
    task: {shell: "sleep 0.0{j}; echo e{j}", result: stdout-last-line}
EOF
}

graph_resume_after_failure() {
    local dir=$WORK/graph-fix out=$WORK/graph-fix/out
    write_flaky_graph "$dir"
    expect_status 1 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/dag.yaml" --out "$out" --quiet || return 1
    grep -q '"stage":"d"' "$out/results.jsonl" && { echo "d ran although b failed"; return 1; }
    touch "$dir/fixed"
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/dag.yaml" --out "$out" --resume --quiet || return 1
    "$JCHECK" "$out" 24 || return 1
    grep -q '"stage":"d"},"status":"ok".*"value":"d 2.5 3"' "$out/results.jsonl" || { grep '"d"' "$out/results.jsonl"; return 1; }
    grep -q '"stage":"b"},"status":"ok".*"attempt":2' "$out/results.jsonl" || { echo "b's rerun is not attempt 2"; return 1; }
    [ "$(cat "$out/stages/d/value.json")" = '"d 2.5 3"' ]
}
check "journal: a graph resumed after a failed stage reruns it, then its dependents, with its value" graph_resume_after_failure

pretty_json_results() {
    local out=$WORK/pretty
    cat >"$WORK/pretty.py" <<'EOF'
import json, sys
x = int(sys.argv[1])
print(json.dumps({"x": x, "y": [x * x, 0.1], "s": "a\nb"}, indent=2))
EOF
    cat >"$WORK/pretty.yaml" <<EOF
name: pretty
sweep:
  grid: {x: {range: [0, 20, 1]}}
task:
  command: [python3, "$WORK/pretty.py", "{x}"]
  result: stdout-json
EOF
    expect_status 0 "$BIN" run "$WORK/pretty.yaml" --out "$out" --quiet || return 1
    "$JCHECK" "$out" 20 || return 1
    "$BIN" results "$out" >"$out/final.jsonl" || return 1
    grep -q '"value":{"x":3,"y":\[9,0.1\],"s":"a\\nb"}' "$out/final.jsonl" || { sed -n 4p "$out/final.jsonl"; return 1; }
    expect_status 0 "$BIN" run "$WORK/pretty.yaml" --out "$out" --resume --quiet
}
check "journal: pretty-printed JSON results are kept on one line; results and resume read them" pretty_json_results

# A 1 MiB tmpfs as --out (the whole journal takes ~450 KiB): a filler leaves room for part of it.
disk_full() {
    local mnt=$WORK/full
    mkdir -p "$mnt"
    if ! mount -t tmpfs -o size=1m tmpfs "$mnt" 2>"$WORK/mount.err"; then
        echo "SKIP: cannot mount a tmpfs here ($(cat "$WORK/mount.err"))"; return 0
    fi
    local status=0
    disk_full_checks "$mnt" || status=1
    umount "$mnt"
    return $status
}
disk_full_checks() { # MNT
    local mnt=$1 out=$1/run
    cat >"$WORK/fill.yaml" <<'EOF'
name: fill
sweep:
  grid: {i: {range: [0, 3000, 1]}}
task:
  kernel: sleep
  args: {ms: 2}
EOF
    # Full from the start (room for run.json and run.lock only): stops at once, nothing counted as done.
    head -c 1016k /dev/zero >"$mnt/filler"
    expect_status 1 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/fill.yaml" --out "$out" >"$WORK/full1.log" 2>&1
    local status=$?
    [ $status -eq 0 ] && grep -q "results.jsonl: write: No space left on device" "$WORK/full1.log" &&
        grep -q "0/3000 tasks ok" "$WORK/full1.log" || { cat "$WORK/full1.log"; return 1; }
    rm -rf "$out" "$mnt/filler"
    # Full part-way: a ~60 KiB journal fits, the rest does not.
    head -c 960k /dev/zero >"$mnt/filler"
    local began=$SECONDS
    expect_status 1 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/fill.yaml" --out "$out" >"$WORK/full2.log" 2>&1 ||
        { cat "$WORK/full2.log"; return 1; }
    grep -q "results.jsonl: write: No space left on device" "$WORK/full2.log" || { cat "$WORK/full2.log"; return 1; }
    # 3000 tasks of 2 ms on 2 slots take ~3 s; the run must stop well before.
    local lines
    lines=$(wc -l <"$out/results.jsonl")
    [ "$lines" -gt 0 ] && [ "$lines" -lt 2500 ] || { echo "$lines lines journaled"; return 1; }
    python3 -c "
import json, sys
data = open('$out/results.jsonl', 'rb').read()
assert data.endswith(b'\n'), 'journal ends mid-line'
[json.loads(l) for l in data.split(b'\n')[:-1]]
" || return 1
    rm -f "$mnt/filler"
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/fill.yaml" --out "$out" --resume --quiet || return 1
    "$JCHECK" "$out" 3000 && echo "stopped after $((SECONDS - began)) s with $lines lines"
}
check "journal: a full disk stops the run (exit 1), the journal stays valid, resume completes exactly once" disk_full

symlinked_outputs() {
    local out=$WORK/links victim=$WORK/victim.txt
    echo precious >"$victim"
    mkdir -p "$out"
    ln -s "$victim" "$out/run.json.tmp"
    expect_status 0 "$BIN" run "$HERE/jobs-small-spin.yaml" --out "$out" --quiet || return 1
    [ "$(cat "$victim")" = precious ] || { echo "run.json.tmp's target was overwritten"; return 1; }
    rm "$out/results.jsonl"
    ln -s "$victim" "$out/results.jsonl"
    expect_status 2 "$BIN" run "$HERE/jobs-small-spin.yaml" --out "$out" --resume >"$WORK/links.log" 2>&1 || return 1
    grep -q "symbolic link" "$WORK/links.log" || { cat "$WORK/links.log"; return 1; }
    [ "$(cat "$victim")" = precious ] || { echo "results.jsonl's target was changed"; return 1; }
}
check "journal: outputs are never written through symlinks (exit 2, target untouched)" symlinked_outputs

mc_resume_bit_identical() {
    cat >"$WORK/asian.yaml" <<'EOF'
name: asian
montecarlo:
  kernel: gbm-asian-call
  params: {s0: 42, k: 40, r: 0.1, sigma: 0.2, t: 0.5, steps: 16}
  paths: 32000000
  block: 4096
  seed: 2024
EOF
    # 32e6 paths: about 2.8 s from launch to exit idle, so the SIGUSR1 a second in finds the run
    # going (4e6 paths took 0.87 s idle: a SIGUSR1 after the run left the resume no second part)
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/asian.yaml" --out "$WORK/asian-whole" --quiet || return 1
    "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/asian.yaml" --out "$WORK/asian-parts" --quiet &
    local launcher=$!
    sleep 1
    kill -USR1 "$launcher"
    wait "$launcher"
    expect_status 0 "${MPIRUN[@]}" -np 1 "$BIN" run "$WORK/asian.yaml" --out "$WORK/asian-parts" --resume --quiet || return 1
    local whole parts
    whole=$(grep -o '"estimate":[^,]*' "$WORK/asian-whole/summary.json")
    parts=$(grep -o '"estimate":[^,]*' "$WORK/asian-parts/summary.json")
    [ -n "$whole" ] && [ "$whole" = "$parts" ] || { echo "whole $whole, interrupted and resumed $parts"; return 1; }
    python3 -c "import json; s = json.load(open('$WORK/asian-parts/summary.json')); assert len(s['parts']) == 2, s['parts']"
}
check "journal: an interrupted and resumed Monte Carlo estimate is bit-identical" mc_resume_bit_identical

results_not_fooled() {
    local out=$WORK/named
    cat >"$WORK/named.yaml" <<'EOF'
name: named
sweep:
  grid: {status: [ok, failed], value: [1, 2]}
task:
  shell: "test {status} = ok"
EOF
    expect_status 1 "$BIN" run "$WORK/named.yaml" --out "$out" --quiet || return 1
    "$BIN" results "$out" >"$out/final.jsonl" || return 1
    python3 - "$out/final.jsonl" <<'PY' || return 1
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert [l["index"] for l in lines] == [0, 1, 2, 3], lines
for l in lines:
    assert l["status"] == ("ok" if l["params"]["status"] == "ok" else "failed"), l
PY
    echo '{"index":99999999999999999999,"params":{},"status":"ok","seconds":0,"start":0,"rank":0,"slot":0,"attempt":1,"value":null,"error":null}' >>"$out/results.jsonl"
    expect_status 2 "$BIN" results "$out" >"$WORK/named.log" 2>&1 || return 1
    grep -q "results.jsonl:5:" "$WORK/named.log" || { cat "$WORK/named.log"; return 1; }
}
check "journal: results is not fooled by parameters named status or value, and names a bad line" results_not_fooled

resume_rebalances() {
    local out=$WORK/rebalance
    cat >"$WORK/rebalance.yaml" <<'EOF'
name: rebalance
sweep:
  grid: {i: {range: [0, 300, 1]}}
task:
  kernel: sleep
  args: {ms: 20}
EOF
    "${MPIRUN[@]}" -np 3 "$BIN" run "$WORK/rebalance.yaml" --out "$out" --slots 1 --quiet &
    local launcher=$!
    sleep 1.2
    kill -USR1 "$launcher"
    wait "$launcher"
    expect_status 0 "${MPIRUN[@]}" -np 3 "$BIN" run "$WORK/rebalance.yaml" --out "$out" --slots 1 --resume --quiet || return 1
    "$JCHECK" "$out" 300 || return 1
    python3 - "$out/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
tasks = [r["tasks"] for r in s["per_rank"]]
assert min(tasks) * 2 >= max(tasks), f"resumed tasks per rank {tasks}"
assert len(s["parts"]) == 2 and s["attempts"] == sum(p["attempts"] for p in s["parts"]), s["parts"]
assert abs(s["wall_seconds"] - sum(p["wall_seconds"] for p in s["parts"])) < 1e-6, s
lines = sum(1 for _ in open(sys.argv[1].replace("summary.json", "results.jsonl")))
assert s["attempts"] == lines, (s["attempts"], lines)
print("resumed tasks per rank", tasks)
PY
}
check "journal: resume re-plans chunks from the work left (ranks stay balanced); summary covers every part" resume_rebalances

one_run_per_directory() {
    local out=$WORK/locked
    "$BIN" run "$WORK/rebalance.yaml" --out "$out" --slots 2 --quiet &
    local first=$!
    local waited=0
    until [ -s "$out/run.lock" ] || [ $waited -ge 100 ]; do sleep 0.1; waited=$((waited + 1)); done
    expect_status 2 "$BIN" run "$WORK/rebalance.yaml" --out "$out" --resume >"$WORK/locked.log" 2>&1 || { wait $first; return 1; }
    grep -q "another run is using this directory (host .* pid $first)" "$WORK/locked.log" || { cat "$WORK/locked.log"; wait $first; return 1; }
    wait $first || return 1
    "$JCHECK" "$out" 300
}
check "journal: a second run on the same --out is refused (exit 2) naming the holder" one_run_per_directory

foreign_indices_refused() {
    local out=$WORK/foreign
    expect_status 0 "$BIN" run "$HERE/jobs-small-spin.yaml" --out "$out" --quiet || return 1
    echo '{"index":1500,"params":{},"status":"ok","seconds":0,"start":0,"rank":0,"slot":0,"attempt":1,"value":null,"error":null}' >>"$out/results.jsonl"
    expect_status 2 "$BIN" run "$HERE/jobs-small-spin.yaml" --out "$out" --resume >"$WORK/foreign.log" 2>&1 || return 1
    grep -q "results.jsonl:1501: index 1500 is outside this job's 1500 tasks" "$WORK/foreign.log" || { cat "$WORK/foreign.log"; return 1; }
    printf 'garbage that is not a journal' >"$WORK/foreign-tail"
    sed -i '$d' "$out/results.jsonl" && cat "$WORK/foreign-tail" >>"$out/results.jsonl"
    expect_status 2 "$BIN" run "$HERE/jobs-small-spin.yaml" --out "$out" --resume >"$WORK/foreign.log" 2>&1 || return 1
    tail -c 29 "$out/results.jsonl" | grep -q "garbage" || { echo "a tail that is not a journal line was cut"; return 1; }
}
check "journal: indices outside the job and a foreign tail are refused, never cut" foreign_indices_refused

resume_memory_is_flat() {
    cc -O2 -o "$WORK/journal-gen" bench/journal-gen.c || return 1
    "$WORK/journal-gen" 1000000 >"$WORK/big.jsonl"
    /usr/bin/time -f '%M' -o "$WORK/big.time" "${BIN%/*}/mpibatch-bench" resume "$WORK/big.jsonl" 1000000 >"$WORK/big.out" || return 1
    cat "$WORK/big.out"
    grep -q "lines=1001000 done=1000000 holes=0" "$WORK/big.out" || return 1
    local kb
    kb=$(cat "$WORK/big.time")
    echo "peak $((kb / 1024)) MB"
    [ "$kb" -lt 100000 ]
}
check "journal: reading a 10^6-line journal for resume stays under 100 MB" resume_memory_is_flat

# mpibatch results sorts the journal (in completion order, retries included) by index through
# a temporary file: each task once, in index order, in flat memory (a dictionary of every
# index took 250 MB here); piped to head it ends at once, without an error.
results_memory_is_flat() {
    local out=$WORK/big-results
    mkdir -p "$out" "$WORK/sort-tmp"
    cc -O2 -o "$WORK/journal-gen" bench/journal-gen.c || return 1
    "$WORK/journal-gen" 1000000 >"$out/results.jsonl"
    TMPDIR=$WORK/sort-tmp /usr/bin/time -f '%M' -o "$WORK/big-results.time" "$BIN" results "$out" >"$WORK/big-results.jsonl" || return 1
    python3 - "$WORK/big-results.jsonl" <<'PY' || return 1
import json, sys
expected = 0
for line in open(sys.argv[1]):
    entry = json.loads(line)
    assert entry["index"] == expected, (entry["index"], expected)
    assert entry["status"] == "ok" and entry["attempt"] == (2 if expected % 1000 == 999 else 1), line
    expected += 1
assert expected == 1000000, expected
PY
    [ -z "$(ls -A "$WORK/sort-tmp")" ] || { echo "temporary files left"; ls -la "$WORK/sort-tmp"; return 1; }
    local kb
    kb=$(cat "$WORK/big-results.time")
    echo "measured: results of a 1,001,000-line journal, peak $((kb / 1024)) MB"
    [ "$kb" -lt 100000 ] || return 1
    for format in jsonl csv; do
        timeout 60 "$BIN" results "$out" --format "$format" 2>"$WORK/head.err" | head -n 2 >"$WORK/head.out"
        local statuses=("${PIPESTATUS[@]}")
        [ "${statuses[0]}" -eq 0 ] || [ "${statuses[0]}" -eq 141 ] || { echo "$format | head: exit ${statuses[0]}"; return 1; }
        [ ! -s "$WORK/head.err" ] || { echo "$format | head said:"; cat "$WORK/head.err"; return 1; }
        [ "$(wc -l <"$WORK/head.out")" -eq 2 ] || return 1
    done
    (trap '' PIPE; timeout 60 "$BIN" results "$out" --format csv 2>"$WORK/head.err" | head -n 1 >/dev/null; [ "${PIPESTATUS[0]}" -eq 0 ]) ||
        { echo "with SIGPIPE ignored, csv | head did not end quietly"; cat "$WORK/head.err"; return 1; }
    [ ! -s "$WORK/head.err" ]
}
check "results: a 10^6-line journal in index order under 100 MB (sorted through a temporary file), | head ends at once" results_memory_is_flat

results_as_a_table() {
    local out=$WORK/table
    cat >"$WORK/table.py" <<'EOF2'
import json, sys
x = int(sys.argv[1])
print(json.dumps({"y": x * x, "tag": f"t,{x}\n\"q\"", "v": [x, 0.1]}, indent=2))
sys.exit(1 if x in (2, 5) else 0)
EOF2
    cat >"$WORK/table.yaml" <<EOF2
name: table
sweep:
  grid: {x: {range: [0, 8, 1]}, label: ["007"]}
task:
  command: [python3, "$WORK/table.py", "{x}"]
  result: stdout-json
EOF2
    expect_status 1 "$BIN" run "$WORK/table.yaml" --out "$out" --quiet || return 1
    "$BIN" results "$out" --format csv >"$out/table.csv" || return 1
    "$BIN" results "$out" --format tsv --status failed >"$out/failed.tsv" || return 1
    python3 - "$out" <<'PY'
import csv, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(f"{out}/table.csv", newline="")))
assert [int(r["index"]) for r in rows] == list(range(8)), rows
assert list(rows[0])[:7] == ["index", "status", "attempt", "rank", "slot", "seconds", "start"], list(rows[0])
for r in rows:
    x = int(r["params.x"])
    assert r["params.label"] == "007", r
    if x in (2, 5):
        assert r["status"] == "failed" and r["value.y"] == "" and "exited with status 1" in r["error"], r
    else:
        assert r["status"] == "ok" and r["value.y"] == str(x * x) and r["value.tag"] == f"t,{x}\n\"q\"", r
        assert r["value.v"] == f"[{x},0.1]", r
failed = [line.split("\t")[0] for line in open(f"{out}/failed.tsv").read().splitlines()[1:]]
assert failed == ["2", "5"], failed
PY
}
check "results: --format csv loads with Python's csv (params.*, value.*), --status failed lists the failures" results_as_a_table

# Findings (issue 14 item 2): each planted problem is found, a balanced run reports none.
# Sourced by run-all.

# finding_kinds OUT: the kinds in OUT/summary.json's findings, one per line.
finding_kinds() {
    python3 -c "import json, sys; [print(f['kind']) for f in json.load(open(sys.argv[1] + '/summary.json'))['findings']]" "$1"
}

# planted NAME JOB WANTED [run options]: runs JOB on 2 ranks; WANTED must be among the findings.
planted() {
    local out=$WORK/finding-$1 job=$2 wanted=$3
    shift 3
    "${MPIRUN[@]}" -np 2 "$BIN" run "$job" --out "$out" --quiet "$@"
    finding_kinds "$out" >"$out/kinds.txt" || return 1
    cat "$out/kinds.txt"
    grep -qx "$wanted" "$out/kinds.txt" || { echo "no $wanted finding"; return 1; }
    "$BIN" report "$out" 2>&1 | grep -q "finding ($wanted)" || { echo "report does not print it"; return 1; }
}

findings_planted() {
    local dir=$WORK/findings
    mkdir -p "$dir"
    printf 'name: straggler\nsweep:\n  grid: {i: {range: [0, 100, 1]}}\ntask:\n  kernel: sleep\n  args: {ms: "{i}"}\n' >"$dir/ramp.yaml"
    printf 'name: one-slow\nsweep:\n  grid: {i: {range: [0, 100, 1]}}\ntask:\n  shell: "if [ {i} -eq 95 ]; then sleep 2; else sleep 0.05; fi"\n' >"$dir/slow.yaml"
    planted straggler "$dir/slow.yaml" straggler || return 1
    printf 'name: io\nsweep:\n  grid: {i: {range: [0, 150, 1]}}\ntask:\n  kernel: sleep\n  args: {ms: 20}\n' >"$dir/io.yaml"
    planted io "$dir/io.yaml" io_bound || return 1
    # Static blocks with the heavy tasks all in rank 0's half: a hot rank.
    printf 'name: hot\nsweep:\n  table: hot.csv\n  types: {ms: real}\ntask:\n  kernel: spin\n  args: {ms: "{ms}"}\n' >"$dir/hot.yaml"
    { echo ms; for i in $(seq 1 40); do echo 60; done; for i in $(seq 1 40); do echo 5; done; } >"$dir/hot.csv"
    planted hot "$dir/hot.yaml" imbalance --chunk static --slots 1 || return 1
    printf 'name: tiny\nsweep:\n  grid: {i: {range: [0, 20000, 1]}}\ntask:\n  kernel: noop\n' >"$dir/tiny.yaml"
    planted tiny "$dir/tiny.yaml" dispatch_overhead --chunk dynamic || return 1
    printf 'name: late\nstages:\n  - {name: quick, kernel: noop}\n  - {name: slow, after: [quick], kernel: sleep, args: {ms: 600}, warn_after: 0.2s}\n' >"$dir/late.yaml"
    planted late "$dir/late.yaml" stage_over_warn_after
}
check "findings: a straggler, I/O-bound tasks, a hot rank, tiny tasks and a stage past warn_after are each found" findings_planted

findings_balanced() {
    local out=$WORK/finding-balanced
    printf 'name: balanced\nsweep:\n  grid: {i: {range: [0, 2000, 1]}}\ntask:\n  kernel: spin\n  args: {ms: 1}\n' >"$WORK/balanced.yaml"
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/balanced.yaml" --out "$out" --quiet || return 1
    [ -z "$(finding_kinds "$out")" ] || { finding_kinds "$out"; return 1; }
}
check "findings: a balanced spin run reports none" findings_balanced

resources_per_task() {
    local dir=$WORK/resources
    mkdir -p "$dir"
    printf 'name: spin50\nsweep:\n  grid: {i: {range: [0, 12, 1]}}\ntask:\n  kernel: spin\n  args: {ms: 50}\n' >"$dir/spin.yaml"
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/spin.yaml" --out "$dir/spin" --quiet || return 1
    cat >"$dir/alloc.py" <<'PY'
b = bytearray(200 * 1024 * 1024)
b[::4096] = bytes(len(b[::4096]))  # touch every page: 200 MiB resident
PY
    printf 'name: alloc\nsweep:\n  repeat: 2\ntask:\n  command: [python3, "%s"]\n' "$dir/alloc.py" >"$dir/alloc.yaml"
    expect_status 0 "$BIN" run "$dir/alloc.yaml" --out "$dir/alloc" --quiet || return 1
    "$BIN" results "$dir/alloc" --format csv >"$dir/alloc.csv" || return 1
    python3 - "$dir" <<'PY'
import csv, json, sys
d = sys.argv[1]
# The spin ends once its thread's CPU clock has advanced 50 ms, and the meter reads that clock
# around it on the same thread: no reading is less, nor more than the task's wall time. Time the
# kernel spends on interrupts, or the host on another guest, is charged to whichever thread runs
# (no IRQ time accounting): one that straddles the spin's end adds its length to that task's
# reading (3-6.5 ms seen for 3 in 8,000 spins of 5 ms at load 14, 14 ms once in CI). So all
# but one task read within 10 %.
spins = [json.loads(line) for line in open(f"{d}/spin/results.jsonl")]
assert len(spins) == 12 and all(0.0499 <= l["cpu_seconds"] <= l["seconds"] + 1e-6 for l in spins), \
    [(l["cpu_seconds"], l["seconds"]) for l in spins]
over = [l["cpu_seconds"] for l in spins if l["cpu_seconds"] > 0.055]
assert len(over) <= 1, f"spins of 50 ms read {over} CPU s"
mib = 200 * 1024 * 1024
for row in csv.DictReader(open(f"{d}/alloc.csv", newline="")):
    rss = int(row["max_rss_bytes"])
    assert abs(rss - mib) <= 0.1 * mib, f"peak RSS {rss / 2**20:.1f} MiB for a 200 MiB allocation"
    assert float(row["cpu_seconds"]) > 0, row
s = json.load(open(f"{d}/alloc/summary.json"))
assert s["per_rank"][0]["max_task_rss_bytes"] >= 0.9 * mib, s["per_rank"]
assert "cpu_per_busy" in s["per_rank"][0], s["per_rank"]
PY
}
check "resources: each task's CPU seconds (a 50 ms spin: at least that, at most its wall time, all but one within 10%) and peak RSS (a 200 MiB command) within 10%" resources_per_task

slots_auto() {
    local dir=$WORK/auto
    mkdir -p "$dir"
    printf 'name: waits\nsweep:\n  grid: {i: {range: [0, 1000, 1]}}\ntask:\n  kernel: sleep\n  args: {ms: 20}\n' >"$dir/sleep.yaml"
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/sleep.yaml" --out "$dir/sleep" --slots auto --max-slots 6 --quiet || return 1
    printf 'name: busy\nsweep:\n  grid: {i: {range: [0, 2000, 1]}}\ntask:\n  kernel: spin\n  args: {ms: 1}\n' >"$dir/spin.yaml"
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/spin.yaml" --out "$dir/spin" --slots auto --quiet || return 1
    expect_status 2 "$BIN" run "$dir/spin.yaml" --max-slots 4 || return 1
    python3 - "$dir" <<'PY'
import json, sys
d = sys.argv[1]
waits = json.load(open(f"{d}/sleep/summary.json"))
used = [r["slots"] for r in waits["per_rank"]]
assert all(2 <= u <= 6 for u in used), f"sleep tasks: slots used {used} (cap 6)"
assert max(r["slot"] for r in waits["per_slot"]) < 6
assert any("slots auto" in n for n in waits["notes"]), waits["notes"]
busy = json.load(open(f"{d}/spin/summary.json"))
assert [r["slots"] for r in busy["per_rank"]] == [1, 1], busy["per_rank"]
assert busy["efficiency"] >= 0.9, busy["efficiency"]
print("sleep: slots", used, "; spin: efficiency", round(busy["efficiency"], 3))
PY
}
check "slots auto: waiting tasks get more slots (never past --max-slots), CPU-bound ones keep one per core" slots_auto

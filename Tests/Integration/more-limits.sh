# Named limits, priorities and pinned cores (issue 30, items 3-5). Sourced by run-all.
# Every check runs a few seconds of sleeps on 2 ranks x 4 slots.

# limits_job FILE MS: 12 tasks that use db (limit 2) beside 20 that do not, MS milliseconds each.
limits_job() {
    cat >"$1" <<EOF
name: limits
limits: {db: 2}
stages:
  - name: load
    sweep: {grid: {i: {range: [0, 12, 1]}}}
    task: {kernel: sleep, args: {ms: $2}, uses: [db]}
  - name: other
    sweep: {grid: {j: {range: [0, 20, 1]}}}
    task: {kernel: sleep, args: {ms: $2}}
EOF
}

limits_at_most() {
    limits_job "$WORK/limits.yaml" 300
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/limits.yaml" --slots 4 --out "$WORK/limits" --quiet || return 1
    "$BIN" results "$WORK/limits" >"$WORK/limits.jsonl" || return 1
    "$HERE/limits_check.py" "$WORK/limits.jsonl" load 2 --others-meanwhile --each-once 32 || return 1
    "$BIN" plan "$WORK/limits.yaml" | grep -qx "limit db: 2 in use at once over the run; stage load 1 each, at most 2 at once" || return 1
    grep -q "limit db: at most 2 of its 2 units leased at once" "$WORK/limits/summary.json"
}
check "limits: 12 tasks uses: [db] of limit 2 among 20 others on 2x4 slots: at most 2 at once, the others meanwhile" limits_at_most

# limits_bad NAME TEXT EXPECTED: validate and run refuse TEXT with exit 2, the message EXPECTED (a grep pattern).
limits_bad() {
    printf '%b' "$2" >"$WORK/bad-$1.yaml"
    expect_status 2 "$BIN" validate "$WORK/bad-$1.yaml" 2>"$WORK/bad-$1.err" || return 1
    grep -q "^$WORK/bad-$1.yaml:$3" "$WORK/bad-$1.err" || { cat "$WORK/bad-$1.err"; return 1; }
    expect_status 2 "$BIN" run "$WORK/bad-$1.yaml" --out "$WORK/bad-$1" 2>/dev/null && [ ! -e "$WORK/bad-$1" ]
}
limits_hostile() {
    limits_bad negative 'limits: {db: -1}\ntask: {kernel: noop}\n' "1:14: limit 'db' must be a whole number ≥ 1, not -1" || return 1
    limits_bad fraction 'limits: {db: 2.5}\ntask: {kernel: noop}\n' "1:14: limit 'db' must be a whole number ≥ 1, not '2.5'" || return 1
    limits_bad unknown 'limits: {db: 2}\ntask: {kernel: noop, uses: [bd]}\n' \
        "2:29: unknown limit 'bd' (the job's limits: db) (did you mean 'db'?)" || return 1
    limits_bad over 'limits: {db: 2}\nstages:\n  - name: s\n    kernel: noop\n    uses: {db: 3}\n' \
        "5:16: uses 3 of limit 'db', which has 2 .*: no task could ever start" || return 1
    limits_bad units 'limits: {db: 2}\ntask: {kernel: noop, uses: {db: 0}}\n' "2:33: uses 'db' must be a whole number ≥ 1, not 0"
}
check "limits: a negative or fractional count, an unknown name (did you mean), more than the limit: exit 2 at path:line:col" limits_hostile

# A run killed with SIGKILL in the middle, then resumed: every index ok once, the limit held in both parts.
limits_resume() {
    limits_job "$WORK/limits-kill.yaml" 150
    local out="$WORK/limits-kill"
    "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/limits-kill.yaml" --slots 4 --out "$out" --quiet >"$out.log" 2>&1 &
    local launcher=$! waited
    # The middle: a few tasks journaled (the 12 db tasks alone take 6 x 150 ms, 2 at a time), not a
    # fixed sleep, which a faster start-up outran.
    for waited in $(seq 1 300); do
        [ "$(cat "$out/results.jsonl" 2>/dev/null | wc -l)" -ge 4 ] && break
        sleep 0.02
    done
    local ranks
    mapfile -t ranks < <(pgrep -P "$launcher")
    [ ${#ranks[@]} -gt 0 ] || { echo "finished before the kill"; return 1; }
    kill -KILL "${ranks[0]}"
    wait "$launcher" && { echo "the killed run ended 0: nothing left to resume"; return 1; }
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/limits-kill.yaml" --slots 4 --out "$out" --resume --quiet || return 1
    "$BIN" results "$out" >"$out.jsonl" || return 1
    "$HERE/limits_check.py" "$out.jsonl" load 2 --each-once 32
}
check "limits: kill -9 in the middle, --resume: each index once, at most 2 db at once" limits_resume

priority_sweep() {
    cat >"$WORK/priority.yaml" <<'EOF'
name: priority
sweep: {grid: {i: {range: [0, 8, 1]}, mesh: [16, 64, 32]}}
task: {kernel: sleep, args: {ms: 100}, priority: "{mesh}"}
EOF
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/priority.yaml" --slots 2 --out "$WORK/priority" --quiet || return 1
    "$BIN" results "$WORK/priority" | python3 -c '
import json, sys
rows = [json.loads(line) for line in sys.stdin]
assert len(rows) == 24 and all(r["status"] == "ok" for r in rows), len(rows)
starts = {m: [r["started_at"] for r in rows if r["params"]["mesh"] == m] for m in (16, 32, 64)}
print(f"measured: last mesh-64 start {max(starts[64]) - min(starts[64]):.2f} s, first mesh-16 start {min(starts[16]) - min(starts[64]):.2f} s after the first task")
assert max(starts[64]) < min(starts[32]) <= max(starts[32]) < min(starts[16]), starts' || return 1
    "$BIN" plan "$WORK/priority.yaml" | grep -qx "priority: every task by 'mesh', highest first"
}
check "priority: a sweep with priority: \"{mesh}\" starts every mesh-64 task before a mesh-32, and those before a mesh-16" priority_sweep

# bind_job FILE: tasks that print their own CPUs, MPIBATCH_CORES and their rank's CPUs, 0.2 s each.
bind_job() {
    cat >"$1" <<'EOF'
name: bind
sweep: {grid: {i: {range: [0, 8, 1]}}}
task:
  shell: 'echo "$(grep Cpus_allowed_list /proc/self/status | cut -f2) $MPIBATCH_CORES $(grep Cpus_allowed_list /proc/$PPID/status | cut -f2)"; sleep 0.2'
  result: stdout-last-line
EOF
}

# bind_check OUT: every task ran on exactly its MPIBATCH_CORES, inside its rank's mask, and
# tasks that overlapped in time shared no CPU.
bind_check() {
    "$BIN" results "$1" | python3 -c '
import json, sys
def cpus(text):
    out = set()
    for part in text.split(","):
        low, _, high = part.partition("-")
        out |= set(range(int(low), int(high or low) + 1))
    return out
rows = [json.loads(line) for line in sys.stdin]
assert rows and all(r["status"] == "ok" for r in rows), rows
tasks = []
for r in rows:
    own, said, rank = r.get("value").split()
    assert cpus(own) == cpus(said), (own, said)
    assert cpus(own) <= cpus(rank), (own, rank)
    tasks.append((r["started_at"], r["started_at"] + r["seconds"], cpus(own)))
for i, a in enumerate(tasks):
    for b in tasks[i + 1:]:
        if a[0] < b[1] and b[0] < a[1]:
            assert not (a[2] & b[2]), (a, b)
print("measured: CPU sets used:", sorted({tuple(sorted(t[2])) for t in tasks}))'
}

bind_cores() {
    bind_job "$WORK/bind.yaml"
    # Open MPI binds each of 2 ranks to a core: each task gets its rank's core.
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/bind.yaml" --slots 1 --bind cores --out "$WORK/bind-np2" --quiet || return 1
    bind_check "$WORK/bind-np2" || return 1
    # Unbound ranks share the node's mask: each takes its half.
    expect_status 0 "${MPIRUN[@]}" -np 2 --bind-to none "$BIN" run "$WORK/bind.yaml" --slots 1 --bind cores --out "$WORK/bind-none" --quiet || return 1
    bind_check "$WORK/bind-none" || return 1
    # One process, two slots: two tasks at once on different CPUs; the job key does the same.
    printf 'bind: cores\n' | cat - "$WORK/bind.yaml" >"$WORK/bind-key.yaml"
    "$BIN" plan "$WORK/bind-key.yaml" | grep -q "^bind: cores (each command task pinned" || return 1
    expect_status 0 "$BIN" run "$WORK/bind-key.yaml" --slots 2 --out "$WORK/bind-one" --quiet || return 1
    bind_check "$WORK/bind-one" || return 1
    # Without binding nothing is pinned: MPIBATCH_CORES is unset (the value has two words).
    expect_status 0 "$BIN" run "$WORK/bind-key.yaml" --slots 2 --bind none --out "$WORK/bind-off" --quiet || return 1
    "$BIN" results "$WORK/bind-off" | python3 -c '
import json, sys
assert all(len(json.loads(l).get("value").split()) == 2 for l in sys.stdin)' || return 1
    printf 'bind: all\ntask: {kernel: noop}\n' >"$WORK/bind-bad.yaml"
    expect_status 2 "$BIN" validate "$WORK/bind-bad.yaml" 2>"$WORK/bind-bad.err" || return 1
    grep -q "bind-bad.yaml:1:7: bind must be cores or none, not 'all'" "$WORK/bind-bad.err"
}
check "--bind cores: each task on its MPIBATCH_CORES inside its rank's mask, concurrent tasks on disjoint CPUs" bind_cores

# accumulators_graph FILE HOW: three chained accumulators (exclusive, or a limit of 1) and eight models.
accumulators_graph() {
    {
        echo "name: accumulators"
        [ "$2" = limits ] && echo "limits: {accumulators: 1}"
        echo "stages:"
        for i in 0 1 2; do
            echo "  - {name: acc$i, kernel: sleep, args: {ms: 300}$([ $i -gt 0 ] && echo ", after: [acc$((i - 1))]")$([ "$2" = limits ] && echo ", uses: [accumulators]" || echo ", exclusive: true")}"
        done
        for i in 0 1 2 3 4 5 6 7; do echo "  - {name: model$i, kernel: sleep, args: {ms: 300}}"; done
    } >"$1"
}

# accumulators_overlap OUT: how many models started while an accumulator ran, after checking
# that the accumulators ran one at a time.
accumulators_overlap() {
    "$BIN" results "$1" | python3 -c '
import json, sys
rows = [json.loads(line) for line in sys.stdin]
acc = [r for r in rows if r["params"]["stage"].startswith("acc")]
models = [r for r in rows if r["params"]["stage"].startswith("model")]
assert len(acc) == 3 and len(models) == 8 and all(r["status"] == "ok" for r in rows)
spans = sorted((r["started_at"], r["started_at"] + r["seconds"]) for r in acc)
assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), spans
print(sum(1 for m in models if any(s <= m["started_at"] < e or m["started_at"] <= s < m["started_at"] + m["seconds"] for s, e in spans)))'
}

limits_accumulators() {
    local how overlap
    for how in limits exclusive; do
        accumulators_graph "$WORK/acc-$how.yaml" "$how"
        expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/acc-$how.yaml" --slots 4 --out "$WORK/acc-$how" --quiet || return 1
        overlap=$(accumulators_overlap "$WORK/acc-$how") || { echo "$overlap"; return 1; }
        echo "measured: $how: $overlap models ran beside an accumulator"
        if [ "$how" = limits ]; then [ "$overlap" -gt 0 ] || return 1; else [ "$overlap" -eq 0 ] || return 1; fi
    done
}
check "limits: accumulators under uses: [accumulators] run one at a time with the models beside them; exclusive: true runs them alone" limits_accumulators

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
    "$BIN" plan "$WORK/limits.yaml" | grep -qx "limit db: 2 in use at once over the run; stage load 1 each, at most 2 at once"
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
    local launcher=$!
    sleep 1.2
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

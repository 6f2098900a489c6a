# Finished work is journaled on time, and interrupted runs stop cleanly and say how to go
# on (issues 23 and 24). Sourced by run-all: uses its check/expect_status helpers and $BIN,
# $WORK, $MPIRUN, $HERE. Functions are prefixed du_ so they do not clash with other more-*.sh.

# du_side_job DIR TASKS SECONDS: writes DIR/job.yaml, TASKS tasks that each sleep SECONDS
# and then append "done N" to DIR/side.txt.
du_side_job() {
    mkdir -p "$1"
    rm -f "$1/side.txt"
    cat >"$1/job.yaml" <<EOF
name: side
sweep: {grid: {n: {range: [0, $2, 1]}}}
task: {shell: "sleep $3; echo done {n} >> $1/side.txt"}
EOF
}

# Issue 23, item 1: 4 tasks of 3 s, one slot, SIGKILL at 5.5 s. Task 0 ended at ~3 s: its
# line is in the journal (it used to wait for task 1's end), and --resume does not rerun it.
du_first_of_chunk() {
    local dir=$WORK/du-first out=$WORK/du-first/out
    du_side_job "$dir" 4 3
    "$BIN" run "$dir/job.yaml" --out "$out" --slots 1 --quiet &
    local rank=$!
    sleep 5.5
    kill -9 $rank
    wait $rank 2>/dev/null
    grep -qx "done 0" "$dir/side.txt" || { echo "task 0 did not finish: $(cat "$dir/side.txt" 2>&1)"; return 1; }
    grep -q '"index":0,.*"status":"ok"' "$out/results.jsonl" ||
        { echo "task 0 finished 2.5 s before the kill but is not in the journal:"; cat "$out/results.jsonl"; return 1; }
    expect_status 0 "$BIN" run "$dir/job.yaml" --out "$out" --slots 1 --resume --quiet || return 1
    [ "$(grep -cx "done 0" "$dir/side.txt")" -eq 1 ] || { echo "--resume ran task 0 again:"; cat "$dir/side.txt"; return 1; }
}
check "durable: a chunk's first task (3 s), killed -9 during the second, is journaled and not rerun" du_first_of_chunk

# Issue 23, item 4: only logs/ is full (a 64 KiB tmpfs mounted there; tasks print 8 KiB each).
# Tasks are journaled without their output, with their values; no retry is spent; one warning.
du_logs_full() {
    local out=$WORK/du-logs-full
    mkdir -p "$out/logs"
    if ! mount -t tmpfs -o size=64k tmpfs "$out/logs" 2>"$WORK/du-mount.err"; then
        echo "SKIP: cannot mount a tmpfs here ($(cat "$WORK/du-mount.err"))"; return 0
    fi
    cat >"$WORK/du-logs.yaml" <<'EOF'
name: logs-full
sweep: {grid: {n: {range: [0, 30, 1]}}}
task:
  shell: "head -c 8000 /dev/zero | tr '\\0' x; echo; echo {n}"
  result: stdout-last-line
  retries: 2
EOF
    expect_status 0 "$BIN" run "$WORK/du-logs.yaml" --out "$out" --slots 2 >"$WORK/du-logs.log" 2>&1
    local status=$?
    umount "$out/logs"
    [ $status -eq 0 ] || { cat "$WORK/du-logs.log"; return 1; }
    [ "$(grep -c "No space left on device; tasks whose output cannot be written are journaled without it" "$WORK/du-logs.log")" -eq 1 ] ||
        { echo "not one warning:"; cat "$WORK/du-logs.log"; return 1; }
    python3 - "$out" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1] + "/results.jsonl")]
assert len(lines) == 30, f"{len(lines)} attempts for 30 tasks"
assert all(l["status"] == "ok" and l["value"] == str(l["params"]["n"]) for l in lines), lines
without = sum("log" not in l for l in lines)
assert 0 < without < 30, f"{without} of 30 lines without a log"
print(f"measured: 30 tasks ok in 30 attempts, {without} journaled without their output")
PY
}
check "durable: a full logs/ keeps every task's value (journaled without its output), no retry wasted" du_logs_full

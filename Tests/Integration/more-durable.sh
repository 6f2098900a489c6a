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

# Issue 23, item 1: 4 tasks of 1.5 s, one slot, SIGKILL 0.75 s after task 0 has ended (its
# side line, polled; it was a fixed 5.5 s with tasks of 3 s): its line is in the journal (it
# used to wait for task 1's end), and --resume does not rerun it.
du_first_of_chunk() {
    local dir=$WORK/du-first out=$WORK/du-first/out
    du_side_job "$dir" 4 1.5
    "$BIN" run "$dir/job.yaml" --out "$out" --slots 1 --quiet &
    local rank=$!
    wait_until 30 grep -qx "done 0" "$dir/side.txt" || { kill -9 $rank; echo "task 0 did not finish within 30 s"; return 1; }
    sleep 0.75
    kill -9 $rank
    wait $rank 2>/dev/null
    grep -qx "done 1" "$dir/side.txt" && { echo "task 1 ended before the kill: the kill was not during the second"; return 1; }
    grep -q '"index":0,.*"status":"ok"' "$out/results.jsonl" ||
        { echo "task 0 finished 0.75 s before the kill but is not in the journal:"; cat "$out/results.jsonl"; return 1; }
    expect_status 0 "$BIN" run "$dir/job.yaml" --out "$out" --slots 1 --resume --quiet || return 1
    [ "$(grep -cx "done 0" "$dir/side.txt")" -eq 1 ] || { echo "--resume ran task 0 again:"; cat "$dir/side.txt"; return 1; }
}
check "durable: a chunk's first task (1.5 s), killed -9 during the second, is journaled and not rerun" du_first_of_chunk

# du_continue_line LOG JOB OUT [LAUNCHER]: LOG's last line is the command that continues the run.
du_continue_line() {
    local wanted="mpibatch: continue with: ${4:+$4 }mpibatch run $2 --out $3 --resume"
    [ "$(tail -n 1 "$1")" = "$wanted" ] || { echo "last line is not: $wanted"; tail -n 5 "$1"; return 1; }
}

# Issue 23, item 3: 20 tasks of 0.3 s in chunks (the default policy), --deadline 1: no task
# starts after the deadline (it used to start the rest of its chunk: the last at 2.7 s).
du_deadline() {
    local out=$WORK/du-deadline
    printf 'name: dl\nsweep: {grid: {n: {range: [0, 20, 1]}}}\ntask: {shell: "sleep 0.3"}\n' >"$WORK/du-dl.yaml"
    local began=$(date +%s.%N)
    expect_status 3 "$BIN" run "$WORK/du-dl.yaml" --out "$out" --slots 1 --deadline 1 --quiet 2>"$WORK/du-dl.err" || return 1
    python3 - "$out" "$began" <<'PY' || return 1
import json, sys, time
lines = [json.loads(l) for l in open(sys.argv[1] + "/results.jsonl")]
last = max(l["start"] for l in lines)
assert lines and last <= 1.0, f"a task started {last:.2f} s into the run, after the 1 s deadline"
took = time.time() - float(sys.argv[2])
print(f"measured: {len(lines)} tasks, the last started at {last:.2f} s; exit 3 after {took:.2f} s")
PY
    du_continue_line "$WORK/du-dl.err" "$WORK/du-dl.yaml" "$out" || return 1
    expect_status 0 "$BIN" run "$WORK/du-dl.yaml" --out "$out" --slots 1 --resume --quiet || return 1
    "$HERE/journal_check.py" "$out" 20
}
check "durable: --deadline 1 with chunks of 0.3 s tasks: no task starts after it, exit 3, resumable" du_deadline

# du_started_two DIR: two tasks have marked their start in DIR.
du_started_two() {
    [ "$(ls "$1" | wc -l)" -ge 2 ]
}

# du_signal_run NAME TASK-SECONDS SIGNALS...: a single process running 8 tasks of TASK-SECONDS
# on 2 slots (the default grace, 30 s) gets SIGNALS (1 s apart) once its first two tasks have
# started; its exit status, seconds taken and stderr go to $WORK/du-NAME.*, the job to
# $WORK/du-NAME.yaml.
du_signal_run() {
    local name=$1 out=$WORK/du-$1 started=$WORK/du-$1.started signal
    shift
    mkdir -p "$started"
    printf 'name: sig\nsweep: {grid: {n: {range: [0, 8, 1]}}}\ntask: {shell: "touch %s/{n}; sleep %s"}\n' "$started" "$1" >"$WORK/du-$name.yaml"
    shift
    local began=$SECONDS
    "$BIN" run "$WORK/du-$name.yaml" --out "$out" --slots 2 --quiet 2>"$WORK/du-$name.err" &
    local rank=$!
    wait_until 30 du_started_two "$started" || { kill -9 $rank; echo "two tasks did not start within 30 s"; return 1; }
    # A second signal sent while the first is still pending is one signal to the kernel (a
    # loaded machine may not run the signal thread for a while): the gap is a full second.
    for signal in "$@"; do kill -"$signal" $rank; sleep 1; done
    timeout 60 tail --pid=$rank -f /dev/null || { kill -9 $rank; echo "still running 60 s after the signals"; return 1; }
    wait $rank
    echo $? >"$WORK/du-$name.status"
    echo $((SECONDS - began)) >"$WORK/du-$name.seconds"
}

# Issue 23, item 2: SIGHUP (a closed terminal) drains like SIGTERM: the two running tasks (4 s,
# signalled once both have started) finish within the grace and are journaled ok, no other
# starts; summary, exit 3, and the line to continue. (The tasks were 30 s, as long as the
# grace: the check took 31 s.)
du_sighup() {
    du_signal_run hup 4 HUP || return 1
    [ "$(cat "$WORK/du-hup.status")" = 3 ] || { echo "exit $(cat "$WORK/du-hup.status"), wanted 3"; cat "$WORK/du-hup.err"; return 1; }
    grep -q '"interrupted":true' "$WORK/du-hup/summary.json" || { echo "no interrupted summary.json"; return 1; }
    grep -q "SIGHUP" "$WORK/du-hup/summary.json" || { echo "the summary does not name SIGHUP"; return 1; }
    [ "$(grep -c '"status":"ok"' "$WORK/du-hup/results.jsonl")" -eq 2 ] && [ "$(wc -l <"$WORK/du-hup/results.jsonl")" -eq 2 ] ||
        { echo "wanted the 2 running tasks drained ok and nothing else:"; cat "$WORK/du-hup/results.jsonl"; return 1; }
    du_continue_line "$WORK/du-hup.err" "$WORK/du-hup.yaml" "$WORK/du-hup"
}
check "durable: SIGHUP drains like SIGTERM (summary.json, exit 3, the command to continue)" du_sighup

# Issue 23, item 2: a second SIGINT ends the grace (30 s) at once: running tasks are cut, journaled interrupted.
du_double_sigint() {
    du_signal_run int2 30 INT INT || return 1
    [ "$(cat "$WORK/du-int2.status")" = 3 ] || { echo "exit $(cat "$WORK/du-int2.status"), wanted 3"; cat "$WORK/du-int2.err"; return 1; }
    [ "$(cat "$WORK/du-int2.seconds")" -le 6 ] || { echo "took $(cat "$WORK/du-int2.seconds") s: the grace was not cut short"; return 1; }
    grep -q '"status":"interrupted"' "$WORK/du-int2/results.jsonl" || { echo "no interrupted task journaled"; return 1; }
    grep -q '"interrupted":true' "$WORK/du-int2/summary.json" || { echo "no interrupted summary.json"; return 1; }
    du_continue_line "$WORK/du-int2.err" "$WORK/du-int2.yaml" "$WORK/du-int2"
}
check "durable: a second SIGINT ends the grace period at once, exit 3 with the summary" du_double_sigint

# du_both_ranks_ran OUT: OUT's journal has a line from rank 0 and one from rank 1.
du_both_ranks_ran() {
    grep -q '"rank":0' "$1/results.jsonl" 2>/dev/null && grep -q '"rank":1' "$1/results.jsonl"
}

# du_signalled_state NAME: what a failed du_mpirun_signals check left, for its log: stderr,
# the first signal's time and now, the run directory's files with their times, the journal's
# last lines and any process still running the run.
du_signalled_state() {
    local out=$WORK/du-$1
    cat "$WORK/du-$1.err"
    echo "first signal at $(cat "$WORK/du-$1.signalled"), now $(date +%s.%N)"
    ls -la --time-style=+%s.%N "$out"
    tail -n 3 "$out/results.jsonl"
    pgrep -af -- "--out $out " || echo "no process of the run left"
}

# du_mpirun_signals NAME SIGNALS...: mpirun -np 2 running 60 tasks of 0.2 s (one slot per
# rank) gets SIGINT once per argument (0.2 s apart) once both ranks have journaled a task
# (the run has started: a fixed 1.5 s was, on a loaded machine, before the ranks watched
# signals); the first signal's time goes to $WORK/du-NAME.signalled, stderr to
# $WORK/du-NAME.err, the run to $WORK/du-NAME.
du_mpirun_signals() {
    local name=$1 out=$WORK/du-$1 signal
    shift
    printf 'name: sig\nsweep: {grid: {n: {range: [0, 60, 1]}}}\ntask: {shell: "sleep 0.2"}\n' >"$WORK/du-mpi.yaml"
    "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/du-mpi.yaml" --out "$out" --slots 1 --quiet 2>"$WORK/du-$name.err" &
    local launcher=$!
    wait_until 30 du_both_ranks_ran "$out" || { kill $launcher; echo "no task journaled by both ranks within 30 s"; return 1; }
    date +%s.%N >"$WORK/du-$name.signalled"
    for signal in "$@"; do kill -"$signal" $launcher; sleep 0.2; done
    timeout 30 tail --pid=$launcher -f /dev/null || { kill -9 $launcher; echo "mpirun still running"; return 1; }
    wait $launcher
    # After a double Ctrl-C mpirun is gone at once; its ranks finish on their own.
    local waited=0
    until [ -e "$out/summary.json" ] || [ $waited -ge 50 ]; do sleep 0.1; waited=$((waited + 1)); done
    grep -q '"interrupted":true' "$out/summary.json" || { echo "no interrupted summary.json"; du_signalled_state "$name"; return 1; }
    # No task started after the first signal (beyond the time a signal takes to arrive).
    python3 - "$out" "$(cat "$WORK/du-$name.signalled")" <<'PY'
import json, sys
signalled = float(sys.argv[2])
late = [(l["index"], l["rank"], round(l["started_at"] - signalled, 3)) for l in map(json.loads, open(sys.argv[1] + "/results.jsonl"))
        if l["started_at"] > signalled + 0.1]
assert not late, f"started after the first SIGINT (index, rank, seconds after): {late}"
PY
}

# Issue 23 item 2 and issue 24: Ctrl-C (SIGINT to mpirun) under mpirun -np 2: no rank starts a
# task after it (they used to for 1 s), and rank 0 prints the command to continue (it printed nothing).
du_mpirun_sigint() {
    du_mpirun_signals mpi-int INT || return 1
    grep -qx "mpibatch: continue with: mpirun -np 2 mpibatch run $WORK/du-mpi.yaml --out $WORK/du-mpi-int --resume" "$WORK/du-mpi-int.err" ||
        { echo "no line to continue:"; cat "$WORK/du-mpi-int.err"; return 1; }
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/du-mpi.yaml" --out "$WORK/du-mpi-int" --resume --quiet || return 1
    "$HERE/journal_check.py" "$WORK/du-mpi-int" 60
}
check "durable: Ctrl-C under mpirun -np 2: no task starts after it, rank 0 prints the command to continue" du_mpirun_sigint

# Issue 23 item 2: Ctrl-C twice under mpirun ends mpirun at once; the ranks still stop at the
# first, and summary.json is written (it was not).
du_mpirun_double_sigint() {
    du_mpirun_signals mpi-int2 INT INT || return 1
    local waited=0
    while pgrep -f -- "--out $WORK/du-mpi-int2" >/dev/null && [ $waited -lt 100 ]; do sleep 0.1; waited=$((waited + 1)); done
    ! pgrep -af -- "--out $WORK/du-mpi-int2" || { echo "ranks still running 10 s after mpirun ended"; return 1; }
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/du-mpi.yaml" --out "$WORK/du-mpi-int2" --resume --quiet || return 1
    "$HERE/journal_check.py" "$WORK/du-mpi-int2" 60
}
check "durable: Ctrl-C twice under mpirun -np 2: no task starts after the first, summary.json written" du_mpirun_double_sigint

# Issue 24: --resume of a complete run says there is nothing to do (exit 0, nothing rerun).
du_nothing_to_do() {
    local out=$WORK/du-done
    printf 'name: done\nsweep: {grid: {n: {range: [0, 5, 1]}}}\ntask: {shell: "echo {n}"}\n' >"$WORK/du-done.yaml"
    expect_status 0 "$BIN" run "$WORK/du-done.yaml" --out "$out" --quiet || return 1
    expect_status 0 "$BIN" run "$WORK/du-done.yaml" --out "$out" --resume 2>"$WORK/du-done.err" || return 1
    grep -q "^mpibatch: nothing to do: " "$WORK/du-done.err" || { cat "$WORK/du-done.err"; return 1; }
    [ "$(wc -l <"$out/results.jsonl")" -eq 5 ] || { echo "tasks ran again"; return 1; }
}
check "durable: --resume of a complete run says nothing to do" du_nothing_to_do

# Issue 24: a bad job under mpirun -np 2 is reported once (by rank 0), exit 2.
du_error_once() {
    printf 'name: bad\nsweep: {grid: {n: {range: [0, 5, 1]}}}\ntask: {shel: "echo {n}"}\n' >"$WORK/du-bad.yaml"
    expect_status 2 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/du-bad.yaml" --out "$WORK/du-bad" >"$WORK/du-bad.out" 2>&1 || return 1
    local count
    count=$(grep -c "^mpibatch: $WORK/du-bad.yaml:[0-9]*:[0-9]*: " "$WORK/du-bad.out")
    [ "$count" -eq 1 ] || { echo "the error was printed $count times:"; cat "$WORK/du-bad.out"; return 1; }
    [ "$(grep -n "du-bad.yaml:" "$WORK/du-bad.out" | cut -d: -f1)" -eq 1 ] || { echo "not the first line:"; cat "$WORK/du-bad.out"; return 1; }
}
check "durable: a bad job under mpirun -np 2 is reported once, first, exit 2" du_error_once

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
assert all(l["status"] == "ok" and l.get("value") == str(l["params"]["n"]) for l in lines), lines
without = sum("log" not in l for l in lines)
assert 0 < without < 30, f"{without} of 30 lines without a log"
print(f"measured: 30 tasks ok in 30 attempts, {without} journaled without their output")
PY
}
check "durable: a full logs/ keeps every task's value (journaled without its output), no retry wasted" du_logs_full

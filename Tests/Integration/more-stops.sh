# Clean stops and bad values (issue 10, findings 11-13), sourced by run-all:
# uses its check/expect_status helpers and $BIN, $WORK, $MPIRUN, $HERE.
# Functions are prefixed st_ so they do not clash with other more-*.sh files.

# st_alive PIDFILE...: prints the pids named in the files that still run (zombies,
# dead and waiting for init to reap them, do not count).
st_alive() {
    local file pid
    for file in "$@"; do
        pid=$(tail -n 1 "$file" 2>/dev/null) || continue
        [ -n "$pid" ] && [ -e "/proc/$pid" ] || continue
        [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] && continue
        echo "$pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null))"
    done
    return 0
}

# st_journal_valid DIR: every line of the journal is one JSON object.
st_journal_valid() {
    python3 - "$1" <<'PY'
import json, sys
for number, line in enumerate(open(sys.argv[1] + "/results.jsonl"), 1):
    assert isinstance(json.loads(line), dict), f"line {number}: {line!r}"
PY
}

# --resume without --out: exit 2 with a message; no fresh run starts anywhere.
st_resume_needs_out() {
    local before after
    before=$(ls runs 2>/dev/null | wc -l)
    expect_status 2 "$BIN" run jobs/spin.yaml --resume --quiet 2>"$WORK/st-resume.err" || return 1
    grep -q -- "--resume needs --out" "$WORK/st-resume.err" || { cat "$WORK/st-resume.err"; return 1; }
    after=$(ls runs 2>/dev/null | wc -l)
    [ "$before" = "$after" ] || { echo "a run directory was created under runs/"; return 1; }
}
check "stops: --resume without --out is exit 2 with a message, nothing runs" st_resume_needs_out

# Out-of-range option values: exit 2 with a message naming the option, before anything runs.
st_bad_values() {
    local case option bad=0
    while IFS='|' read -r option case; do
        [ -n "$option" ] || continue
        rm -rf "$WORK/st-bad"
        # shellcheck disable=SC2086
        timeout 20 "$BIN" run jobs/spin.yaml --out "$WORK/st-bad" --quiet $case 2>"$WORK/st-bad.err"
        local status=$?
        if [ $status -ne 2 ] || ! grep -q -- "$option" "$WORK/st-bad.err" || [ -e "$WORK/st-bad" ]; then
            echo "$case: exit $status: $(head -n 1 "$WORK/st-bad.err")"
            bad=1
        fi
    done <<'CASES'
--heartbeat-timeout|--heartbeat-timeout inf
--heartbeat-timeout|--heartbeat-timeout nan
--heartbeat-timeout|--heartbeat-timeout 0
--heartbeat-timeout|--heartbeat-timeout=-1
--grace|--grace nan
--grace|--grace inf
--grace|--grace=-1
--slots|--slots 100000
--slots|--slots 0
--slots|--slots=-3
--deadline|--deadline 0s
--deadline|--deadline=-5m
--deadline|--deadline 2020-01-01T00:00:00
CASES
    return $bad
}
check "stops: bad --heartbeat-timeout/--grace/--slots/--deadline values: exit 2 naming the option" st_bad_values

# st_fail_fast_starts DIR FAILING MARGIN: no task started later than MARGIN seconds after
# task FAILING (which failed) ended. Journal `start`s are per rank: one rank, or close epochs.
st_fail_fast_starts() {
    python3 - "$@" <<'PY'
import json, sys
directory, failing, margin = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
lines = [json.loads(l) for l in open(directory + "/results.jsonl")]
failed = [l for l in lines if l["index"] == failing]
assert len(failed) == 1 and failed[0]["status"] == "failed", failed
end = failed[0]["start"] + failed[0]["seconds"]
late = [(l["index"], l["rank"], round(l["start"] - end, 4)) for l in lines if l["start"] > end + margin]
assert not late, f"started after task {failing} failed (index, rank, seconds after): {late[:10]}"
print(f"{len(lines)} tasks ran; the last start was {max(l['start'] for l in lines) - end:+.4f} s from the failure's end")
PY
}

# st_each_ok_once DIR N FAILING: every index but FAILING (-1: none) has exactly one ok line.
st_each_ok_once() {
    python3 - "$@" <<'PY'
import collections, json, sys
directory, total, failing = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ok = collections.Counter(json.loads(l)["index"] for l in open(directory + "/results.jsonl") if '"status":"ok"' in l)
wrong = {i: ok[i] for i in range(total) if i != failing and ok[i] != 1}
assert not wrong and ok[failing] == 0, f"ok lines per index, where not exactly one: {dict(list(wrong.items())[:10])}"
PY
}

# --fail-fast: after task 40 fails, no task starts (beyond the time a message takes),
# neither on its slot nor on the other; chunks in hand stay unrun and a resume runs them.
st_fail_fast() {
    local out="$WORK/st-fail-fast"
    printf 'name: ff\nsweep: {grid: {i: {range: [0, 400, 1]}}}\ntask: {kernel: fail, args: {when: "40", ms: 4}}\n' >"$WORK/st-ff.yaml"
    expect_status 1 "$BIN" run "$WORK/st-ff.yaml" --out "$out" --slots 2 --fail-fast --quiet || return 1
    st_fail_fast_starts "$out" 40 0.005 || return 1
    expect_status 1 "$BIN" run "$WORK/st-ff.yaml" --out "$out" --slots 2 --resume --quiet || return 1
    st_each_ok_once "$out" 400 40
}
check "stops: --fail-fast starts nothing after the failure; a resume runs the dropped chunks" st_fail_fast

st_fail_fast_mpirun() {
    local out="$WORK/st-fail-fast-np2"
    printf 'name: ff\nsweep: {grid: {i: {range: [0, 400, 1]}}}\ntask: {kernel: fail, args: {when: "40", ms: 4}}\n' >"$WORK/st-ff2.yaml"
    expect_status 1 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/st-ff2.yaml" --out "$out" --slots 1 --fail-fast --quiet || return 1
    st_fail_fast_starts "$out" 40 0.02
}
check "stops: --fail-fast under mpirun -np 2: no rank starts a task after the failure" st_fail_fast_mpirun

# Processes a task leaves behind die with it: a background sleep (SIGTERM ends it), and one
# that ignores SIGTERM (SIGKILL after the grace period, or when the rank exits).
st_no_leftovers() {
    local out="$WORK/st-leftovers" dir="$WORK/st-left"
    mkdir -p "$dir"
    cat >"$dir/job.yaml" <<YAML
name: leftovers
sweep: {grid: {i: {range: [0, 6, 1]}}}
task:
  shell: 'if [ {i} -lt 3 ]; then sleep 41 & echo \$! > $dir/pid-{i}; else (trap "" TERM; exec sleep 43) & echo \$! > $dir/pid-{i}; fi; echo started'
  result: stdout-last-line
YAML
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/job.yaml" --out "$out" --quiet || return 1
    "$HERE/check_results.py" "$out" 6 --ranks 2 || return 1
    local alive
    alive=$(st_alive "$dir"/pid-*)
    [ -z "$alive" ] || { echo "left running after the run: $alive"; kill -9 $(echo "$alive" | cut -d' ' -f1); return 1; }
}
check "stops: what a command task leaves behind (sleep 41 &, even ignoring SIGTERM) ends with it" st_no_leftovers

# A rank killed with SIGKILL runs no exit code: its guard process (forked by the rank,
# in a group of its own) sees the rank's pipe close and ends the tasks' groups.
st_killed_rank_leaves_nothing() {
    local dir="$WORK/st-killed" out="$WORK/st-killed/out"
    mkdir -p "$dir"
    cat >"$dir/job.yaml" <<YAML
name: killed
sweep: {grid: {i: {range: [0, 4, 1]}}}
task:
  shell: '(trap "" TERM; exec sleep 45) & echo \$! > $dir/pid-{i}; sleep 30'
YAML
    "$BIN" run "$dir/job.yaml" --out "$out" --slots 4 --quiet &
    local rank=$! waited=0
    until [ "$(ls "$dir"/pid-* 2>/dev/null | wc -l)" -eq 4 ] || [ $waited -ge 100 ]; do sleep 0.1; waited=$((waited + 1)); done
    kill -9 $rank
    wait $rank 2>/dev/null
    sleep 2
    local alive
    alive=$(st_alive "$dir"/pid-*)
    [ -z "$alive" ] || { echo "left running after the rank was killed: $alive"; kill -9 $(echo "$alive" | cut -d' ' -f1); return 1; }
}
check "stops: a rank killed with SIGKILL leaves none of its tasks' processes running" st_killed_rank_leaves_nothing

# st_sigterm_job DIR N: N command tasks that each leave a sleep behind and run 2 s.
st_sigterm_job() {
    mkdir -p "$1"
    cat >"$1/job.yaml" <<YAML
name: sigterm
sweep: {grid: {i: {range: [0, $2, 1]}}}
task:
  shell: 'sleep 41 & echo \$! > $1/pid-{i}; sleep 2; echo done'
  result: stdout-last-line
YAML
}

# SIGTERM to mpirun while command tasks run: mpirun SIGTERMs the ranks 1 s later and
# SIGKILLs them 1 s after that. The ranks cancel their tasks, journal them (interrupted),
# write the summary and exit before that; nothing the tasks started survives; resume completes.
st_sigterm_mpirun() {
    local dir="$WORK/st-sigterm" out="$WORK/st-sigterm/out"
    st_sigterm_job "$dir" 6
    "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/job.yaml" --out "$out" --quiet &
    local mpirun=$! waited=0
    # Once the first tasks run (they take 2 s; mpirun passes SIGTERM on 1 s later), not after a fixed delay.
    until [ "$(ls "$dir"/pid-* 2>/dev/null | wc -l)" -ge 2 ] || [ $waited -ge 300 ]; do sleep 0.05; waited=$((waited + 1)); done
    local sent=$(date +%s.%N)
    kill -TERM $mpirun
    wait $mpirun
    local status=$? took
    took=$(echo "$(date +%s.%N) - $sent" | bc)
    echo "mpirun exit status $status, $took s after SIGTERM"
    [ -s "$out/summary.json" ] || { echo "no summary.json"; return 1; }
    echo "summary.json written $(echo "$(stat -c %.9Y "$out/summary.json") - $sent" | bc) s after SIGTERM"
    st_journal_valid "$out" || return 1
    python3 - "$out" <<'PY' || return 1
import json, sys
summary = json.load(open(sys.argv[1] + "/summary.json"))
assert summary["interrupted"] and "SIGTERM" in summary["stop_reason"], summary["stop_reason"]
lines = [json.loads(l) for l in open(sys.argv[1] + "/results.jsonl")]
assert any(l["status"] == "interrupted" for l in lines), [l["status"] for l in lines]
PY
    sleep 0.5
    local alive
    alive=$(st_alive "$dir"/pid-*)
    [ -z "$alive" ] || { echo "left running: $alive"; kill -9 $(echo "$alive" | cut -d' ' -f1); return 1; }
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/job.yaml" --out "$out" --resume --quiet || return 1
    st_each_ok_once "$out" 6 -1 || return 1
    [ -z "$(st_alive "$dir"/pid-*)" ]
}
check "stops: SIGTERM to mpirun with command tasks: valid journal and summary, nothing left, resume completes" st_sigterm_mpirun

# Without mpirun, SIGTERM drains like SIGUSR1: running tasks get --grace, then are
# cancelled (interrupted); exit 3; nothing left behind.
st_sigterm_alone() {
    local dir="$WORK/st-sigterm-alone" out="$WORK/st-sigterm-alone/out"
    st_sigterm_job "$dir" 4
    "$BIN" run "$dir/job.yaml" --out "$out" --slots 2 --grace 0.5 --quiet &
    local run=$!
    sleep 1
    kill -TERM $run
    wait $run
    local status=$?
    [ $status -eq 3 ] || { echo "exit status $status, wanted 3"; return 1; }
    st_journal_valid "$out" || return 1
    grep -q '"status":"interrupted"' "$out/results.jsonl" || { cat "$out/results.jsonl"; return 1; }
    sleep 0.5
    local alive
    alive=$(st_alive "$dir"/pid-*)
    [ -z "$alive" ] || { echo "left running: $alive"; kill -9 $(echo "$alive" | cut -d' ' -f1); return 1; }
}
check "stops: SIGTERM without mpirun: drained, interrupted tasks journaled, exit 3, nothing left" st_sigterm_alone

# result: stdout-last-line reads the log backwards: a task that prints 1 GB costs
# the rank far less than 1 GB (it held all of it before).
st_last_line_memory() {
    local out="$WORK/st-big"
    printf 'name: big\ntask:\n  shell: "yes 0123456789 | head -c 1000000000; echo last-line"\n  result: stdout-last-line\n' >"$WORK/st-big.yaml"
    /usr/bin/time -f "%e %M" -o "$WORK/st-big.time" "$BIN" run "$WORK/st-big.yaml" --out "$out" --quiet || return 1
    grep -q '"value":"0123456789last-line"' "$out/results.jsonl" || { cut -c1-300 "$out/results.jsonl"; return 1; }
    local seconds kib
    read -r seconds kib <"$WORK/st-big.time"
    rm -rf "$out/logs"
    echo "1 GB of stdout: $seconds s, $((kib / 1024)) MB max RSS"
    [ "$kib" -lt $((200 * 1024)) ]
}
check "stops: stdout-last-line of a 1 GB output keeps the rank under 200 MB" st_last_line_memory

# Bad job input is refused at its place, fast: an alias bomb, a NUL in an argument,
# invalid UTF-8 in a job file and a task file. A CSV table's byte-order mark is dropped.
st_bad_job_input() {
    local dir="$WORK/st-input" bad=0 file want
    mkdir -p "$dir"
    python3 - "$dir" <<'PY'
import sys
d = sys.argv[1]
lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
lines += [f'a{i}: &a{i} [' + ','.join([f'*a{i-1}'] * 10) + ']' for i in range(1, 10)]
open(d + '/bomb.yaml', 'w').write('\n'.join(lines) + '\ntask: {kernel: noop}\n')
open(d + '/nul.yaml', 'w').write('task:\n  command: [echo, "a\\0b"]\n')
open(d + '/latin1.yaml', 'wb').write(b'task:\n  command: [echo, "ok"]\n  # caf\xe9\n')
open(d + '/latin1.txt', 'wb').write(b'echo one\necho t\xffwo\n')
open(d + '/t.csv', 'wb').write(b'\xef\xbb\xbfname,n\nx,1\ny,2\n')
open(d + '/bom.yaml', 'w').write('sweep: {table: t.csv}\ntask: {command: [echo, "{name}"]}\n')
PY
    while read -r file want; do
        timeout 10 "$BIN" validate "$dir/$file" 2>"$dir/err" >/dev/null
        local status=$?
        [ $status -eq 2 ] && grep -q "^$dir/$want" "$dir/err" || { echo "$file: exit $status: $(head -c 300 "$dir/err")"; bad=1; }
    done <<'CASES'
bomb.yaml bomb.yaml:6:5: aliases expand
nul.yaml nul.yaml:2:19: a value holds a NUL byte
latin1.yaml latin1.yaml:3:8: invalid UTF-8
latin1.txt latin1.txt:2:7: invalid UTF-8
CASES
    expect_status 0 "$BIN" run "$dir/bom.yaml" --out "$dir/bom" --quiet || return 1
    grep -q '"params":{"name":"x","n":1}' "$dir/bom/results.jsonl" || { cat "$dir/bom/results.jsonl"; bad=1; }
    return $bad
}
check "stops: alias bomb, NUL in an argument, invalid UTF-8: path:line:col, exit 2; CSV BOM dropped" st_bad_job_input

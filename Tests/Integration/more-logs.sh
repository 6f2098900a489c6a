# Command output without a file per task (issue 12, item 1) and the journal's exit_code,
# signal and started_at (item 5). Sourced by run-all: uses its check/expect_status helpers
# and $BIN, $WORK, $MPIRUN, $HERE. Functions are prefixed lg_.

# 400 tasks under mpirun -np 2 print to stdout and stderr: the run creates two log files per
# rank that printed, none per task; every task's output comes back through `mpibatch logs`,
# the journal has exit_code, signal and started_at, and `results --format csv` has them as columns.
lg_no_file_per_task() {
    local out="$WORK/lg-many" i bad=0
    for i in $(seq 0 399); do
        case $((i % 100)) in
            7) echo "echo out-$i; echo err-$i >&2; exit 3" ;;
            8) echo "echo out-$i; kill -9 \$\$" ;;
            *) echo "echo out-$i; echo err-$i >&2" ;;
        esac
    done >"$WORK/lg-many.txt"
    expect_status 1 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/lg-many.txt" --out "$out" --quiet || return 1
    [ "$(ls "$out/logs")" = "$(printf 'rank-0.err\nrank-0.out\nrank-1.err\nrank-1.out')" ] ||
        { echo "logs/ holds: $(ls "$out/logs" | head)"; return 1; }
    for i in 0 7 8 250 399; do
        [ "$("$BIN" logs "$out" $i 2>/dev/null)" = "out-$i" ] || { echo "logs $i stdout: $("$BIN" logs "$out" $i 2>&1)"; bad=1; }
    done
    [ "$("$BIN" logs "$out" 7 --stderr)" = "err-7" ] || { echo "logs 7 --stderr: $("$BIN" logs "$out" 7 --stderr)"; bad=1; }
    [ "$("$BIN" logs "$out" 7 2>&1 >/dev/null)" = "err-7" ] || { echo "stderr of logs 7 is not the task's stderr"; bad=1; }
    "$BIN" logs "$out" --failed >"$WORK/lg-failed.txt" || bad=1
    grep -qx "== task 7: exit code 3 (attempt 1, rank [01]) ==" "$WORK/lg-failed.txt" &&
        grep -qx "err-7" "$WORK/lg-failed.txt" && grep -qx "== task 308: signal 9 (attempt 1, rank [01]) ==" "$WORK/lg-failed.txt" &&
        [ "$(grep -c '^== task' "$WORK/lg-failed.txt")" -eq 8 ] || { echo "logs --failed:"; head -n 6 "$WORK/lg-failed.txt"; bad=1; }
    [ $bad -eq 0 ] || return 1
    python3 - "$out" <<'PY' || return 1
import json, sys, time
out = sys.argv[1]
lines = {json.loads(l)["index"]: json.loads(l) for l in open(out + "/results.jsonl")}
assert len(lines) == 400
now = time.time()
for index, line in lines.items():
    expected = (None, 9) if index % 100 == 8 else ((3, None) if index % 100 == 7 else (0, None))
    assert (line.get("exit_code"), line.get("signal")) == expected, (index, line)
    assert now - 600 < line["started_at"] <= now, line["started_at"]
PY
    "$BIN" results "$out" --format csv | python3 -c "
import csv, sys
rows = {int(r['index']): r for r in csv.DictReader(sys.stdin)}
assert rows[7]['exit_code'] == '3' and rows[7]['signal'] == '', rows[7]
assert rows[8]['exit_code'] == '' and rows[8]['signal'] == '9', rows[8]
assert float(rows[0]['started_at']) > 1.6e9, rows[0]
"
}
check "logs: no file per task (2 per rank), every task's output via mpibatch logs, --failed, exit_code/signal/started_at in the journal and csv" lg_no_file_per_task

# A task printing 1 GiB to stdout: capped at max_output (here the 16 MiB default), the
# note says how much was dropped, the run goes on and the other tasks lose nothing; the
# rank's memory stays bounded.
lg_flood() {
    local out="$WORK/lg-flood" kib seconds
    {
        echo "head -c 1073741824 /dev/zero | tr '\\0' y; echo; echo the end"
        for i in $(seq 1 50); do echo "echo task $i; echo warn $i >&2"; done
    } >"$WORK/lg-flood.txt"
    /usr/bin/time -f "%e %M" -o "$WORK/lg-flood.time" "$BIN" run "$WORK/lg-flood.txt" --out "$out" --slots 2 --quiet || return 1
    read -r seconds kib <"$WORK/lg-flood.time"
    echo "1 GiB of stdout: $seconds s, $((kib / 1024)) MB max RSS, logs/ $(du -sm "$out/logs" | cut -f1) MB"
    [ "$kib" -lt $((200 * 1024)) ] || { echo "max RSS $((kib / 1024)) MB"; return 1; }
    [ "$(du -sm "$out/logs" | cut -f1)" -lt 40 ] || return 1
    grep -q '"index":0,.*"log":{"out":\[[0-9]*,[0-9]*,1056964617\]' "$out/results.jsonl" || { grep '"index":0,' "$out/results.jsonl" | cut -c1-400; return 1; }
    "$BIN" logs "$out" 0 --stdout >"$WORK/lg-flood.out" || return 1
    grep -aq '^\[mpibatch: 1056964617 bytes of stdout dropped here; max_output: 16777216 bytes keeps the first and last 8388608\]$' "$WORK/lg-flood.out" || return 1
    [ "$(tail -n 1 "$WORK/lg-flood.out")" = "the end" ] || return 1
    local i
    for i in 1 25 50; do
        [ "$("$BIN" logs "$out" "$i" 2>&1)" = "$(printf 'task %d\nwarn %d' "$i" "$i")" ] || { echo "task $i: $("$BIN" logs "$out" "$i" 2>&1)"; return 1; }
    done
}
check "logs: a task printing 1 GiB is capped with a note, the run goes on, nothing else lost, RSS < 200 MB" lg_flood

# A task that exits leaving a child (in a session of its own, beyond the group kill) that
# holds its stdout: the task ends after the bounded drain, not when the child does.
lg_held_pipe() {
    local out="$WORK/lg-held" start elapsed
    printf 'setsid sleep 120 & echo $! > %s/lg-held.pid; echo started\necho other\n' "$WORK" >"$WORK/lg-held.txt"
    start=$(date +%s)
    expect_status 0 "$BIN" run "$WORK/lg-held.txt" --out "$out" --quiet || return 1
    elapsed=$(($(date +%s) - start))
    kill "$(cat "$WORK/lg-held.pid")" 2>/dev/null
    echo "finished in $elapsed s"
    [ "$elapsed" -lt 30 ] && [ "$("$BIN" logs "$out" 0)" = started ]
}
check "logs: a child left holding the task's stdout does not hang the run" lg_held_pipe

# logs: per-task keeps one file pair per task (INDEX.ATTEMPT for retries); `mpibatch logs`
# reads them through the journal alike.
lg_per_task() {
    local out="$WORK/lg-per-task"
    printf 'name: per-task\nsweep: {repeat: 3}\ntask:\n  shell: "echo task {index}; [ -e %s/lg-retried-{index} ] || (touch %s/lg-retried-{index}; exit 1)"\n  retries: 1\n  logs: per-task\n' \
        "$WORK" "$WORK" >"$WORK/lg-per-task.yaml"
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/lg-per-task.yaml" --out "$out" --quiet || return 1
    [ "$(ls "$out/logs" | sort | tr '\n' ' ')" = "0.2.err 0.2.out 0.err 0.out 1.2.err 1.2.out 1.err 1.out 2.2.err 2.2.out 2.err 2.out " ] || { ls "$out/logs"; return 1; }
    [ "$("$BIN" logs "$out" 1)" = "task 1" ] && [ "$("$BIN" logs "$out" 1 --attempt 1)" = "task 1" ] &&
        grep -q '"log":{"out":"logs/2.2.out","err":"logs/2.2.err"}' "$out/results.jsonl"
}
check "logs: logs: per-task keeps logs/INDEX[.ATTEMPT].out|err, read by mpibatch logs" lg_per_task

# Mistakes get a clear message and exit 2: an index the run does not have, a kernel run
# (no captured output), a directory that is not a run, INDEX with --failed.
lg_bad_requests() {
    local bad=0
    "$BIN" run jobs/kernel-sweep.yaml --out "$WORK/lg-kernel" --quiet >/dev/null 2>&1
    expect_status 2 "$BIN" logs "$WORK/lg-many" 400 2>"$WORK/lg-bad.err" && grep -q "task 400 has no line" "$WORK/lg-bad.err" || bad=1
    expect_status 2 "$BIN" logs "$WORK/lg-kernel" 0 2>"$WORK/lg-bad.err" && grep -q "no captured output" "$WORK/lg-bad.err" || bad=1
    expect_status 2 "$BIN" logs "$WORK/nowhere" 0 2>"$WORK/lg-bad.err" && grep -q "nowhere/results.jsonl: no such file" "$WORK/lg-bad.err" || bad=1
    expect_status 2 "$BIN" logs "$WORK/lg-many" 3 --failed 2>"$WORK/lg-bad.err" || bad=1
    expect_status 2 "$BIN" logs "$WORK/lg-many" 3 --attempt 2 2>"$WORK/lg-bad.err" && grep -q "task 3 has no attempt 2" "$WORK/lg-bad.err" || bad=1
    [ $bad -eq 0 ] || { cat "$WORK/lg-bad.err"; return 1; }
}
check "logs: unknown index, a kernel run, not a run directory, bad flags: a clear message and exit 2" lg_bad_requests

# A rank killed mid-run and resumed: every task's output, stdout and stderr, readable and its
# own, is the crash check's of a command task file (more-resume-crash.sh: four kills, rank 0
# and 1, KILL and TERM, each task's output against an uninterrupted run's).

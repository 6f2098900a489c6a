# Persistent workers (issue 26): python: tasks and worker: {command:} tasks, the hostile
# cases (raises, os._exit, hangs, prints megabytes, syntax error, missing module or
# function, values JSON cannot carry, garbage on the protocol descriptor, no handshake),
# kill -9 of a rank (no orphaned workers) and --resume after a kill. Sourced by run-all.

# wk_dir NAME: a fresh directory under $WORK with the hostile model beside the job files.
wk_dir() {
    local dir="$WORK/wk-$1"
    rm -rf "$dir"
    mkdir -p "$dir"
    cat >"$dir/wkmodel.py" <<'EOF'
import functools, os, sys, time

def double(x, index):
    if index % 50 == 7:
        print("hello from task", index)
        print("and its stderr", index, file=sys.stderr)
    return 2 * x

def raises(x, index):
    if index == 13:
        raise ValueError("index 13 is unlucky")
    return x

def exits(x, index, attempt):
    if index == 21 and attempt == 1:
        os._exit(3)
    return os.getpid()

def hangs(x, index):
    if index == 5:
        time.sleep(600)
    return x

def loud(x, index):
    sys.stdout.write(("task %d says: " % index) + "y" * (2 << 20) + "\n")
    return index

def odd_values(x, index):
    if index == 2:
        return {1, 2}
    if index == 3:
        return object()
    return [x, float("nan"), float("inf")]

def crashes(x, index):
    if index == 3:
        import ctypes
        ctypes.string_at(0)          # a segfault
    if index == 7:
        os.kill(os.getpid(), 9)      # as the OOM killer does
    return x

def flaky(x, index, attempt):
    if index % 10 == 3 and attempt == 1:
        raise RuntimeError("first attempts of 3, 13, ... fail")
    return x

def slow(x, index):
    time.sleep(0.05)
    return x

def keywords(**params):
    return 3 * params["x"]

def reordered(index, x):
    if index % 97 == 0:
        print("reordered", index)
    if index == 150:
        sys.stdout = Tee(sys.stdout)   # its own stream: from here on each task is flushed
    return x - index

def keywords_only(function):
    @functools.wraps(function)
    def wrapper(**kwargs):
        return function(**kwargs)
    return wrapper

@keywords_only
def wrapped(x):
    return x + 1

class Tee:
    def __init__(self, inner):
        self.inner = inner
    def write(self, text):
        return self.inner.write(text)
    def flush(self):
        self.inner.flush()
EOF
    echo "$dir"
}

# wk_job DIR NAME TASKS FUNCTION [EXTRA-TASK-LINES]: DIR/NAME.yaml, TASKS tasks calling wkmodel.FUNCTION.
wk_job() {
    printf 'name: %s\nsweep:\n  grid: {x: {range: [0, %s, 1]}}\ntask:\n  python: "wkmodel:%s"\n%b' "$2" "$3" "$4" "${5:-}" >"$1/$2.yaml"
}

# wk_no_workers_left DIR: no process is still running DIR's model (the worker's argv names the directory).
wk_no_workers_left() {
    local tries
    for tries in $(seq 1 50); do
        pgrep -f -- "wkmodel .* $1\$" >/dev/null || return 0
        sleep 0.1
    done
    echo "left behind:"
    pgrep -af -- "wkmodel .* $1\$" | cut -c 1-120
    return 1
}

# wk_journal DIR PYTHON: runs PYTHON with `lines` (the journal of DIR/out, last attempt per index in `last`).
wk_journal() {
    python3 - "$1/out" "$2" <<'EOF'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1] + "/results.jsonl")]
last = {}
for line in lines:
    last[line["index"]] = line
exec(sys.argv[2])
EOF
}

# wk_each_once DIR N: after resumes, every index 0..N-1 succeeded exactly once.
wk_each_once() {
    wk_journal "$1" "
ok = {}
for line in lines:
    if line['status'] == 'ok':
        ok[line['index']] = ok.get(line['index'], 0) + 1
assert sorted(ok) == list(range($2)), ('missing', sorted(set(range($2)) - set(ok))[:10])
assert all(count == 1 for count in ok.values()), [i for i, c in ok.items() if c > 1][:10]
assert all(l['status'] in ('ok', 'interrupted') for l in lines), [l for l in lines if l['status'] not in ('ok', 'interrupted')][:3]
"
}

wk_sweep() {
    local dir
    dir=$(wk_dir sweep)
    wk_job "$dir" sweep 300 double
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/sweep.yaml" --out "$dir/out" 2>"$dir/err" || { cat "$dir/err"; return 1; }
    "$HERE/check_results.py" "$dir/out" 300 --ranks 2 || return 1
    wk_journal "$dir" '
assert all(last[i].get("value") == 2 * i for i in range(300)), [last[i].get("value") for i in range(5)]
assert {l["rank"] for l in lines} == {0, 1}, "both ranks ran tasks"
' || return 1
    grep -q "note: python: tasks run under CPython" "$dir/err" || { cat "$dir/err"; return 1; }
    grep -q '"notes":\["python: tasks run under CPython' "$dir/out/run.json" || return 1
    python3 -c "import json, sys; notes = json.load(open(sys.argv[1]))['notes']; assert any(n.startswith('python: tasks run under CPython 3.') for n in notes), notes" "$dir/out/summary.json" || return 1
    local i
    for i in 7 57 157 257; do
        [ "$("$BIN" logs "$dir/out" $i --stdout)" = "hello from task $i" ] || { echo "log $i: $("$BIN" logs "$dir/out" $i 2>&1)"; return 1; }
        "$BIN" logs "$dir/out" $i 2>&1 >/dev/null | grep -qx "and its stderr $i" || return 1
    done
    wk_no_workers_left "$dir"
}
check "python: a sweep over a function beside the job file: every index once, values, prints in the right task's log, interpreter named (start note, run.json, summary.json)" wk_sweep

# A module that takes a second to import: each slot's worker start-up is journaled on the
# task that waited for it (worker_start_seconds: what the slot waited, less than the import
# when the worker was spawned before MPI started), kept out of task time, and drawn as a
# span of its own in the timeline.
wk_startup() {
    local dir
    dir=$(wk_dir startup)
    printf 'import time\ntime.sleep(1)\ndef same(x):\n    return x\n' >"$dir/slowstart.py"
    printf 'name: startup\nsweep:\n  grid: {x: {range: [0, 40, 1]}}\ntask:\n  python: "slowstart:same"\n' >"$dir/startup.yaml"
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/startup.yaml" --out "$dir/out" || return 1
    "$HERE/check_results.py" "$dir/out" 40 --ranks 2 || return 1
    wk_journal "$dir" '
slots = {(l["rank"], l["slot"]) for l in lines}
started = [l for l in lines if "worker_start_seconds" in l]
assert len(started) == len(slots), (len(started), slots)
assert {(l["rank"], l["slot"]) for l in started} == slots, started
assert all(l["worker_start_seconds"] > 0 for l in started), started
assert all(l["seconds"] < 0.9 for l in lines), max(l["seconds"] for l in lines)
trace = json.load(open(sys.argv[1] + "/timeline.json"))["traceEvents"]
spans = [e for e in trace if e.get("cat") == "startup"]
assert len(spans) == len(slots), spans
assert all(e["dur"] > 0 and e["name"] == "worker start-up" for e in spans), spans
' || return 1
    grep -q "worker start-up (" "$dir/out/timeline.svg"
}
check "python: a slow import is each slot's worker start-up: journaled on the task that waited, not task time, its own span in the timeline" wk_startup

# A python: sweep's workers are spawned before MPI starts (with --out under mpirun). A run
# refused after that (--resume of a changed job: exit 2) leaves none of them behind, and the
# first run's workers, spawned before the run, ran every task.
wk_prestarted_refused() {
    local dir
    dir=$(wk_dir prestarted)
    wk_job "$dir" job 6 double
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/job.yaml" --out "$dir/out" --quiet || return 1
    "$HERE/check_results.py" "$dir/out" 6 --ranks 2 || return 1
    wk_job "$dir" job 7 double
    expect_status 2 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/job.yaml" --out "$dir/out" --resume --quiet 2>"$dir/err" || return 1
    grep -q "the job file changed since this run began" "$dir/err" || { cat "$dir/err"; return 1; }
    wk_no_workers_left "$dir"
}
check "python: workers spawned before MPI starts: a run refused after (--resume of a changed job, exit 2) leaves none behind" wk_prestarted_refused

wk_raises() {
    local dir
    dir=$(wk_dir raises)
    wk_job "$dir" raises 40 raises
    expect_status 1 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/raises.yaml" --out "$dir/out" || return 1
    "$HERE/check_results.py" "$dir/out" 40 --failed 13 --ranks 2 || return 1
    wk_journal "$dir" '
error = last[13].get("error")
assert error.endswith("ValueError: index 13 is unlucky") and "wkmodel.py" in error, error
' || return 1
    "$BIN" logs "$dir/out" 13 2>&1 | grep -q "Traceback (most recent call last)"
}
check "python: a function that raises on one index fails only it (traceback tail in the journal, whole in its log)" wk_raises

wk_exits() {
    local dir
    dir=$(wk_dir exits)
    wk_job "$dir" exits 60 exits
    expect_status 1 "$BIN" run "$dir/exits.yaml" --out "$dir/out" --slots 1 --chunk static || return 1
    "$HERE/check_results.py" "$dir/out" 60 --failed 21 --ranks 1 || return 1
    wk_journal "$dir" '
assert "its worker died (exited with status 3)" in last[21].get("error") and last[21].get("exit_code") == 3, last[21]
assert len(lines) == 60, len(lines)
assert len({last[i].get("value") for i in range(21)}) == 1, "one worker before the death"
assert len({last[i].get("value") for i in range(22, 60)}) == 1, "one new worker after it"
assert last[20].get("value") != last[22].get("value"), "the rest of the batch went to a new worker"
'
}
check "python: os._exit(3) fails only its task; the rest of its batch runs on a new worker" wk_exits

wk_crashes() {
    local dir
    dir=$(wk_dir crashes)
    wk_job "$dir" crashes 12 crashes
    expect_status 1 "$BIN" run "$dir/crashes.yaml" --out "$dir/out" --slots 1 || return 1
    "$HERE/check_results.py" "$dir/out" 12 --failed 3,7 --ranks 1 || return 1
    wk_journal "$dir" '
assert "its worker died (killed by signal 11" in last[3].get("error") and last[3].get("signal") == 11, last[3]
assert "its worker died (killed by signal 9" in last[7].get("error") and last[7].get("signal") == 9, last[7]
assert last[3].get("exit_code") is None and last[4].get("signal") is None, last[4]
'
}
check "python: a segfault and a SIGKILL (the OOM killer) fail only their tasks, signal in the journal" wk_crashes

wk_hangs() {
    local dir
    dir=$(wk_dir hangs)
    wk_job "$dir" hangs 12 hangs "  timeout: 1s\n"
    local began=$SECONDS
    expect_status 1 "$BIN" run "$dir/hangs.yaml" --out "$dir/out" --slots 1 || return 1
    [ $((SECONDS - began)) -lt 30 ] || { echo "took $((SECONDS - began)) s"; return 1; }
    "$HERE/check_results.py" "$dir/out" 12 --failed 5 --ranks 1 || return 1
    wk_journal "$dir" 'assert last[5]["status"] == "timeout" and last[5]["seconds"] < 5, last[5]' || return 1
    wk_no_workers_left "$dir"
}
check "python: a function sleeping past timeout: is killed, recorded timeout, its worker replaced" wk_hangs

wk_loud() {
    local dir
    dir=$(wk_dir loud)
    wk_job "$dir" loud 6 loud "  max_output: 1MiB\n"
    expect_status 0 "$BIN" run "$dir/loud.yaml" --out "$dir/out" --slots 2 || return 1
    "$HERE/check_results.py" "$dir/out" 6 --ranks 1 || return 1
    local i text
    for i in 0 3 5; do
        text=$("$BIN" logs "$dir/out" $i --stdout | head -c 20)
        [ "$text" = "task $i says: yyyyyyy" ] || { echo "log $i starts: $text"; return 1; }
    done
    wk_journal "$dir" '
for i in range(6):
    out = last[i]["log"]["out"]
    assert out[1] < 1100000 and out[2] > 1000000, out   # kept to max_output:, the rest counted as dropped
'
}
check "python: a function printing megabytes: in its own task's log, kept to max_output:" wk_loud

wk_syntax() {
    local dir
    dir=$(wk_dir syntax)
    printf 'def broken(x:\n    return x\n' >"$dir/brokenmodel.py"
    printf 'name: syntax\nsweep: {grid: {x: {range: [0, 200, 1]}}}\ntask:\n  python: "brokenmodel:broken"\n' >"$dir/syntax.yaml"
    expect_status 3 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/syntax.yaml" --out "$dir/out" 2>"$dir/err" || return 1
    [ "$(grep -c "brokenmodel.py:1: SyntaxError" "$dir/err")" -eq 1 ] || { cat "$dir/err"; return 1; }
    wk_journal "$dir" '
assert len(lines) <= 2 and all(l["status"] == "interrupted" for l in lines), lines
' || return 1
    # Fixed, the run resumes and does every task.
    printf 'def broken(x):\n    return x\n' >"$dir/brokenmodel.py"
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/syntax.yaml" --out "$dir/out" --resume || return 1
    wk_each_once "$dir" 200
}
check "python: a syntax error ends the run with one message naming file and line (exit 3); fixed, --resume finishes" wk_syntax

wk_missing() {
    local dir
    dir=$(wk_dir missing)
    printf 'name: nomodule\nsweep: {grid: {x: [1, 2]}}\ntask:\n  python: "nosuchmodel:f"\n' >"$dir/nomodule.yaml"
    expect_status 2 "$BIN" run "$dir/nomodule.yaml" --out "$dir/out" 2>"$dir/err" || return 1
    grep -q "nomodule.yaml:4:11: python module 'nosuchmodel' not found" "$dir/err" || { cat "$dir/err"; return 1; }
    [ ! -e "$dir/out" ] || return 1
    wk_job "$dir" nofunction 100 nosuchfunction
    expect_status 3 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/nofunction.yaml" --out "$dir/out2" 2>"$dir/err2" || return 1
    [ "$(grep -c "wkmodel.py: module wkmodel has no function 'nosuchfunction'" "$dir/err2")" -eq 1 ] || { cat "$dir/err2"; return 1; }
}
check "python: a missing module is exit 2 at validation (path:line:col); a missing function ends the run with one message" wk_missing

wk_retries_stop() {
    local dir
    dir=$(wk_dir retries)
    wk_job "$dir" retries 100 flaky "  retries: 1\n"
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/retries.yaml" --out "$dir/out" || return 1
    wk_journal "$dir" '
assert sorted(last) == list(range(100)) and all(l["status"] == "ok" for l in last.values()), "all ok in the end"
retried = sorted(l["index"] for l in lines if l["attempt"] == 2)
assert retried == list(range(3, 100, 10)), retried
assert all(l["status"] == "failed" for l in lines if l["attempt"] == 1 and l["index"] % 10 == 3)
' || return 1
    printf 'name: stop\nsweep: {grid: {x: {range: [0, 5000, 1]}}}\nstop_when: "value >= 100"\ntask:\n  python: "wkmodel:flaky"\n' >"$dir/stop.yaml"
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/stop.yaml" --out "$dir/out2" || return 1
    python3 - "$dir/out2" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1] + "/summary.json"))
stops = summary["early_stops"]
assert len(stops) == 1 and stops[0]["condition"] == "value >= 100.0", stops
lines = [json.loads(l) for l in open(sys.argv[1] + "/results.jsonl")]
met = [l for l in lines if l["index"] == stops[0]["index"]][0]
assert met["status"] == "ok" and met.get("value") >= 100, met
assert summary["tasks_succeeded"] < 5000, summary["tasks_succeeded"]
PY
}
check "python: retries: runs failed attempts again on a worker; stop_when: stops a python sweep" wk_retries_stop

wk_values() {
    local dir
    dir=$(wk_dir values)
    wk_job "$dir" values 6 odd_values
    expect_status 1 "$BIN" run "$dir/values.yaml" --out "$dir/out" --slots 1 || return 1
    "$HERE/check_results.py" "$dir/out" 6 --failed 2,3 --ranks 1 || return 1
    wk_journal "$dir" '
assert "holds a set, which JSON cannot carry" in last[2].get("error"), last[2]
assert "holds a object, which JSON cannot carry" in last[3].get("error"), last[3]
assert last[4].get("value") == [4, None, None], last[4]   # NaN and infinity as null
'
}
check "python: a set or an object as the value fails that task, naming it; NaN and inf become null" wk_values

# A raw-protocol worker in Python (not the shipped one) that answers its handshake, then
# writes garbage where results belong.
wk_garbage() {
    local dir
    dir=$(wk_dir garbage)
    cat >"$dir/garbage.py" <<'EOF'
import json, os, struct, time
fd_in, fd_out = map(int, os.environ["MPIBATCH_WORKER_FDS"].split(","))
def frame(obj):
    body = json.dumps(obj).encode()
    os.write(fd_out, struct.pack("<IB", len(body) + 1, 1) + body)
os.read(fd_in, 65536)
frame({"kind": "ready", "protocol": 1, "worker": "garbage"})
os.read(fd_in, 65536)
os.write(fd_out, b"\xff\xff\xff\x7fthis is not a frame")
time.sleep(600)
EOF
    printf 'name: garbage\nsweep: {grid: {x: [1, 2, 3]}}\ntask:\n  worker: {command: [python3, garbage.py]}\n  cwd: .\n' >"$dir/garbage.yaml"
    expect_status 1 "$BIN" run "$dir/garbage.yaml" --out "$dir/out" --slots 1 || return 1
    "$HERE/check_results.py" "$dir/out" 3 --failed 0,1,2 --ranks 1 || return 1
    wk_journal "$dir" '
assert all("the worker broke the protocol: a frame length of" in last[i].get("error") for i in range(3)), last
' || return 1
    sleep 0.5
    ! pgrep -f "python3 garbage.py" >/dev/null
}
check "worker: garbage on the protocol descriptor fails the task (worker killed), the run goes on" wk_garbage

# Columns batches (the compact form the shipped worker accepts): a function taking **kwargs
# and a decorated one whose wrapper takes keywords only (both called with a dictionary per
# task), one whose parameters come in another order than the
# sweep's (called positionally) that prints on some tasks and replaces sys.stdout on one.
wk_columns() {
    local dir
    dir=$(wk_dir columns)
    wk_job "$dir" keywords 3000 keywords
    wk_job "$dir" reordered 3000 reordered
    wk_job "$dir" wrapped 3000 wrapped
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/keywords.yaml" --out "$dir/out" || return 1
    wk_journal "$dir" 'assert [last[i].get("value") for i in range(3000)] == [3 * i for i in range(3000)]' || return 1
    rm -rf "$dir/out"
    # A decorator whose wrapper takes keywords only (its signature is the wrapped one's): called with keywords.
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/wrapped.yaml" --out "$dir/out" || return 1
    wk_journal "$dir" 'assert [last[i].get("value") for i in range(3000)] == [i + 1 for i in range(3000)]' || return 1
    rm -rf "$dir/out"
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/reordered.yaml" --out "$dir/out" || return 1
    "$HERE/check_results.py" "$dir/out" 3000 --ranks 2 || return 1
    wk_journal "$dir" 'assert all(last[i].get("value") == 0 for i in range(3000)), [last[i] for i in range(3000) if last[i].get("value") != 0][:3]' || return 1
    local i
    for i in 0 97 1067 2910; do
        [ "$("$BIN" logs "$dir/out" $i --stdout)" = "reordered $i" ] || { echo "log $i: $("$BIN" logs "$dir/out" $i 2>&1)"; return 1; }
    done
    [ -z "$("$BIN" logs "$dir/out" 98 --stdout)" ] || return 1
}
check "python: columns batches: **kwargs, a keywords-only decorator, parameters in another order, prints in the right task's log" wk_columns

# A raw worker that accepts columns, then answers with a results frame that runs past its batch.
wk_results_past() {
    local dir
    dir=$(wk_dir results-past)
    cat >"$dir/past.py" <<'EOF'
import json, os, struct, time
fd_in, fd_out = map(int, os.environ["MPIBATCH_WORKER_FDS"].split(","))
def frame(obj):
    body = json.dumps(obj).encode()
    os.write(fd_out, struct.pack("<IB", len(body) + 1, 1) + body)
def receive():
    length, kind = struct.unpack("<IB", os.read(fd_in, 5))
    body = b""
    while len(body) < length - 1:
        body += os.read(fd_in, length - 1 - len(body))
    return json.loads(body)
assert "columns" in receive()["offers"]
frame({"kind": "ready", "protocol": 1, "worker": "past", "accepts": ["columns"]})
while True:
    batch = receive()
    assert batch["kind"] == "columns", batch
    frame({"kind": "results", "index": batch["index"], "values": [1] * (batch["count"] + 1)})
EOF
    printf 'name: past\nsweep: {grid: {x: [1, 2, 3]}}\ntask:\n  worker: {command: [python3, past.py]}\n  cwd: .\n' >"$dir/past.yaml"
    expect_status 1 "$BIN" run "$dir/past.yaml" --out "$dir/out" --slots 1 || return 1
    wk_journal "$dir" '
for i in range(3):
    error = last[i].get("error")
    assert last[i]["status"] == "failed" and "broke the protocol: expected results from task %d on" % i in error, last[i]
    assert "got results for tasks %d to" % i in error, last[i]
' || return 1
}
check "worker: a results frame that runs past its batch is a protocol error naming the tasks" wk_results_past

wk_silent() {
    local dir
    dir=$(wk_dir silent)
    printf '#!/bin/sh\nexec sleep 600\n' >"$dir/silent.sh"
    chmod +x "$dir/silent.sh"
    printf 'name: silent\nsweep: {grid: {x: {range: [0, 50, 1]}}}\ntask:\n  worker: {command: [./silent.sh]}\n  cwd: .\n  startup_timeout: 1s\n' >"$dir/silent.yaml"
    local began=$SECONDS
    expect_status 3 "$BIN" run "$dir/silent.yaml" --out "$dir/out" 2>"$dir/err" || return 1
    [ $((SECONDS - began)) -lt 20 ] || return 1
    [ "$(grep -c "no answer to its handshake within 1 s" "$dir/err")" -eq 1 ] || { cat "$dir/err"; return 1; }
}
check "worker: no answer to the handshake ends the run after startup_timeout: with one message" wk_silent

wk_c_worker() {
    local dir
    dir=$(wk_dir c)
    cp jobs/c-worker/worker.c jobs/c-worker/sweep.yaml "$dir/"
    cc -O2 -o "$dir/worker" "$dir/worker.c" || return 1
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/sweep.yaml" --out "$dir/out" || return 1
    "$HERE/check_results.py" "$dir/out" 11 --ranks 2 || return 1
    wk_journal "$dir" '
for i in range(11):
    x = i / 10
    assert abs(last[i].get("value") - (x * x + i)) < 1e-12, last[i]
' || return 1
    [ "$("$BIN" logs "$dir/out" 4 --stdout)" = "task 4: x = 0.4" ]
}
check "worker: a C worker speaking the raw protocol (jobs/c-worker)" wk_c_worker

# 300 tasks of 50 ms on 2 slots (7.5 s of work; it was 2000, 50 s, which proved no more):
# the kill, 0.5 s after both workers started, cuts the run (checked: fewer than 300 journaled).
wk_kill_rank() {
    local dir
    dir=$(wk_dir kill)
    wk_job "$dir" kill 300 slow
    "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/kill.yaml" --out "$dir/out" --quiet >"$dir/log" 2>&1 &
    local launcher=$! tries
    for tries in $(seq 1 100); do
        [ "$(pgrep -f -- "wkmodel slow $dir\$" | wc -l)" -ge 2 ] && break
        sleep 0.1
    done
    [ "$(pgrep -f -- "wkmodel slow $dir\$" | wc -l)" -ge 2 ] || { echo "workers did not start"; kill $launcher; return 1; }
    sleep 0.5
    kill -KILL $(pgrep -P "$launcher") 2>/dev/null
    wait $launcher
    wk_no_workers_left "$dir" || return 1
    local before
    before=$(grep -c '"status":"ok"' "$dir/out/results.jsonl" 2>/dev/null)
    [ "${before:-0}" -lt 300 ] || { echo "the run had finished before the kill"; return 1; }
    echo "measured: $before of 300 tasks journaled ok before the kill"
    # --resume after the kill: each index once.
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/kill.yaml" --out "$dir/out" --resume --quiet || return 1
    wk_each_once "$dir" 300 || return 1
    wk_no_workers_left "$dir"
}
check "python: kill -9 of the ranks while workers run leaves no worker; --resume runs each index once" wk_kill_rank

wk_stage() {
    local dir
    dir=$(wk_dir stage)
    cat >"$dir/stage.yaml" <<'YAML'
name: python-stages
stages:
  - name: first
    sweep: {grid: {x: {range: [0, 40, 1]}}}
    task: {python: "wkmodel:double"}
  - name: second
    after: [first]
    sweep: {grid: {x: {range: [100, 110, 1]}}}
    task: {python: "wkmodel:raises"}
  - name: third
    after: [second]
    python: "wkmodel:double"
    args: {x: 21}
  - name: fourth
    after: [third]
    python: "wkmodel:double"
    args: {x: "{stages.third.value}"}
YAML
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/stage.yaml" --out "$dir/out" || return 1
    wk_journal "$dir" '
assert sorted(last) == list(range(52)), sorted(last)
assert all(last[i]["status"] == "ok" for i in last), [l for l in lines if l["status"] != "ok"][:2]
assert [last[i].get("value") for i in range(3)] == [0, 2, 4] and last[45].get("value") == 105, last[45]
assert (last[50].get("value"), last[51].get("value")) == (42, 84), (last[50], last[51])
'
}
check "python: tasks in stages' sweeps (stages that name the same worker share a slot's worker), a stage's args: from an earlier stage's value" wk_stage

# A raw worker whose child inherits the protocol sockets, then dies: end of file never
# comes while the child lives, yet the death is seen at once (the child ends with the group).
wk_child_holds_sockets() {
    local dir
    dir=$(wk_dir child)
    cat >"$dir/holder.py" <<'PY'
import json, os, struct, subprocess
fd_in, fd_out = map(int, os.environ["MPIBATCH_WORKER_FDS"].split(","))
def frame(obj):
    body = json.dumps(obj).encode()
    os.write(fd_out, struct.pack("<IB", len(body) + 1, 1) + body)
os.read(fd_in, 65536)
subprocess.Popen(["sleep", "301.5"], pass_fds=(fd_in, fd_out))
frame({"kind": "ready", "protocol": 1, "worker": "holder"})
os.read(fd_in, 65536)
os._exit(5)
PY
    printf 'name: holder\nsweep: {grid: {x: [1, 2]}}\ntask:\n  worker: {command: [python3, holder.py]}\n  cwd: .\n' >"$dir/holder.yaml"
    local began=$SECONDS
    expect_status 1 "$BIN" run "$dir/holder.yaml" --out "$dir/out" --slots 1 || return 1
    [ $((SECONDS - began)) -lt 20 ] || { echo "took $((SECONDS - began)) s"; return 1; }
    wk_journal "$dir" 'assert all("its worker died (exited with status 5)" in last[i].get("error") for i in (0, 1)), last' || return 1
    sleep 0.5
    ! pgrep -f "^sleep 301.5$" >/dev/null  # it went with its group
}
check "worker: a worker that dies while its child holds the protocol sockets is seen dead at once" wk_child_holds_sockets

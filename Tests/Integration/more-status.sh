# See and steer a run while it runs (issue 31): `mpibatch status`, `mpibatch stop [--now]`,
# the control file's hostile cases, a rank 0 killed -9 (lost), a full file system while
# status.json is written, and the live report.html read in a loop and rendered in Chromium.
# Sourced by run-all: uses its check/expect_status helpers and $BIN, $WORK, $MPIRUN.
# Functions are prefixed ss_.

# ss_job FILE TASKS SECONDS: a sweep of TASKS command tasks of `sleep SECONDS`.
ss_job() {
    printf 'name: status\nsweep:\n  grid: {i: {range: [0, %s, 1]}}\ntask:\n  command: [sleep, "%s"]\n' "$2" "$3" >"$1"
}

# ss_start OUT NP JOB [run options]: starts the run in the background (its pid in $ss_pid,
# its exit status later in OUT.rc) and waits (up to 60 s) for its status.json.
ss_start() {
    local out=$1 np=$2 job=$3 waited=0
    shift 3
    ("${MPIRUN[@]}" -np "$np" "$BIN" run "$job" --out "$out" --quiet "$@" >"$out.log" 2>&1; echo $? >"$out.rc") &
    ss_pid=$!
    while [ ! -s "$out/status.json" ] && [ "$waited" -lt 600 ]; do sleep 0.1; waited=$((waited + 1)); done
    [ -s "$out/status.json" ] || { echo "no status.json after 60 s"; cat "$out.log"; return 1; }
}

# ss_wait OUT LIMIT: waits up to LIMIT seconds for the background run to end; prints its exit status.
ss_wait() {
    local waited=0
    while [ ! -e "$1.rc" ] && [ "$waited" -lt $(($2 * 10)) ]; do sleep 0.1; waited=$((waited + 1)); done
    [ -e "$1.rc" ] || { echo "the run did not end within $2 s"; return 1; }
    cat "$1.rc"
}

# ss_commands_running N: at least N task commands (a `sleep`, or a bash running one) of the
# run ss_start started have been spawned: children of its ranks, which are mpirun's children.
ss_commands_running() {
    local mpirun ranks
    mpirun=$(pgrep -d, -P "$ss_pid") && ranks=$(pgrep -d, -P "$mpirun") || return 1
    [ "$(pgrep -c -P "$ranks" -f sleep)" -ge "$1" ]
}

# ss_status_is OUT CONDITION: whether CONDITION (Python, over `mpibatch status OUT --json` as s) holds.
ss_status_is() {
    "$BIN" status "$1" --json 2>/dev/null | python3 -c "import json, sys; s = json.load(sys.stdin); sys.exit(0 if ($2) else 1)"
}

# ss_each_once OUT N: each index 0..N-1 succeeded exactly once in the journal.
ss_each_once() {
    python3 - "$1" "$2" <<'PY'
import collections, json, sys
out, n = sys.argv[1], int(sys.argv[2])
ok = collections.Counter(json.loads(l)["index"] for l in open(out + "/results.jsonl") if json.loads(l)["status"] == "ok")
assert sorted(ok) == list(range(n)) and max(ok.values()) == 1, (len(ok), [i for i, c in ok.items() if c > 1][:5])
PY
}

# The issue's acceptance: status during a run, stop (exit 3 within 5 s), resume, status finished.
ss_status_stop_resume() {
    local out=$WORK/ss-stop rc started
    ss_job "$WORK/ss-stop.yaml" 200 0.05
    ss_start "$out" 2 "$WORK/ss-stop.yaml" || return 1
    wait_until 30 ss_status_is "$out" "s['running']"   # a status written with tasks running (a second's sleep was not always enough under load)
    "$BIN" status "$out" --json >"$WORK/ss-status.json" || return 1
    python3 - "$WORK/ss-status.json" <<'PY' || return 1
import json, sys
s = json.load(open(sys.argv[1]))
assert s["state"] == "running" and s["finished"] < s["total"] == 200, s
assert s["running"] and all({"index", "rank", "slot", "host", "seconds"} <= set(r) for r in s["running"]), s["running"]
assert s["nodes"] and s["seq"] >= 1, s
PY
    "$BIN" status "$out" | grep -q "running (rank 0 on" || { "$BIN" status "$out"; return 1; }
    started=$(date +%s.%N)
    "$BIN" stop "$out" >"$WORK/ss-stop.out" || { cat "$WORK/ss-stop.out"; return 1; }
    grep -q "draining" "$WORK/ss-stop.out" || { cat "$WORK/ss-stop.out"; return 1; }
    rc=$(ss_wait "$out" 5) || { echo "$rc"; return 1; }
    echo "measured: stop to exit $(python3 -c "import time; print(round(time.time() - $started, 2))") s"
    [ "$rc" = 3 ] || { echo "exit $rc, wanted 3"; cat "$out.log"; return 1; }
    "$BIN" status "$out" | grep -q "^$out: interrupted, exit status 3" || { "$BIN" status "$out"; return 1; }
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/ss-stop.yaml" --out "$out" --resume --quiet || return 1
    ss_each_once "$out" 200 || return 1
    "$BIN" status "$out" --json | python3 -c "
import json, sys; s = json.load(sys.stdin)
assert s['state'] == 'finished' and s['finished'] == s['total'] == 200 and s['exit_status'] == 0, s" || return 1
    expect_status 2 "$BIN" stop "$out" 2>"$WORK/ss-stop-finished.err" || return 1
    grep -q "no live run: it is finished" "$WORK/ss-stop-finished.err" || { cat "$WORK/ss-stop-finished.err"; return 1; }
}
check "status: a running run (state, counts, running list); stop drains it (exit 3 in 5 s); resume; finished" ss_status_stop_resume

# stop --now cancels running tasks (journaled interrupted), and --resume reruns them.
ss_stop_now() {
    local out=$WORK/ss-now rc
    # Each task sleeps as long as ss-now.seconds says: 30 s now, 0.01 s for the resume (the job is unchanged).
    echo 30 >"$WORK/ss-now.seconds"
    printf 'name: now\nsweep:\n  repeat: 8\ntask:\n  shell: "sleep $(cat %s)"\n' "$WORK/ss-now.seconds" >"$WORK/ss-now.yaml"
    ss_start "$out" 2 "$WORK/ss-now.yaml" || return 1
    wait_until 30 ss_commands_running 1 || { echo "no task started within 30 s"; return 1; }
    "$BIN" stop "$out" --now | grep -q "stopping now" || return 1
    rc=$(ss_wait "$out" 10) || { echo "$rc"; return 1; }
    [ "$rc" = 3 ] || { echo "exit $rc, wanted 3"; cat "$out.log"; return 1; }
    grep -q '"status":"interrupted"' "$out/results.jsonl" || { echo "no interrupted task"; cat "$out/results.jsonl"; return 1; }
    echo 0.01 >"$WORK/ss-now.seconds"
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/ss-now.yaml" --out "$out" --resume --quiet || return 1
    ss_each_once "$out" 8
}
check "status: stop --now cancels running tasks (interrupted, exit 3); --resume reruns them" ss_stop_now

# Rank 0 killed -9: status says lost within a few seconds, stop refuses (exit 2).
ss_lost() {
    local out=$WORK/ss-lost pid started state
    ss_job "$WORK/ss-lost.yaml" 400 0.05
    ss_start "$out" 2 "$WORK/ss-lost.yaml" || return 1
    sleep 1
    pid=$(python3 -c "import json; print(json.load(open('$out/status.json'))['pid'])")
    kill -9 "$pid"
    started=$(date +%s.%N)
    state=$("$BIN" status "$out" --json | python3 -c "import json, sys; print(json.load(sys.stdin)['state'])")
    echo "measured: lost judged $(python3 -c "import time; print(round(time.time() - $started, 2))") s after the kill"
    [ "$state" = lost ] || { echo "state $state, wanted lost"; return 1; }
    "$BIN" status "$out" | grep -q "lost: rank 0" || return 1
    expect_status 2 "$BIN" stop "$out" 2>/dev/null || return 1
    ss_wait "$out" 30 >/dev/null
}
check "status: rank 0 killed -9 says lost (not running) at once; stop refuses it (exit 2)" ss_lost

# A status file whose writer is on another node and has stopped: lost once its sequence stands still.
ss_stale_elsewhere() {
    local out=$WORK/ss-stale started
    mkdir -p "$out"
    python3 - "$out" <<'PY' || return 1
import json, sys
s = {"state": "running", "seq": 7, "period_seconds": 1, "name": "x", "host": "a-node-that-is-not-this-one", "pid": 1,
     "written_at": 0, "started_at": 0, "elapsed_seconds": 1, "total": 10, "finished": 1, "failed": 0, "cancelled": 0,
     "left": 9, "running": [], "running_count": 0, "throughput_tasks_per_second": 1, "nodes": [], "stopping": False,
     "findings": [], "answers": [], "ignored_control_lines": 0}
json.dump(s, open(sys.argv[1] + "/status.json", "w"))
PY
    : >"$out/control.jsonl"
    started=$(date +%s)
    "$BIN" status "$out" | grep -q "lost" || return 1
    [ $(($(date +%s) - started)) -le 6 ] || { echo "took more than 6 s"; return 1; }
    expect_status 2 "$BIN" stop "$out" 2>/dev/null
}
check "status: a stale status.json written on another node is lost after its sequence stands still; stop refuses" ss_stale_elsewhere

# ss_read_only_refused OUT COMMAND [ARGS]: the live run OUT seen through a read-only bind
# mount (a directory the user cannot write): `mpibatch COMMAND MOUNT ARGS` is refused, exit 2.
ss_read_only_refused() {
    local out=$1 command=$2 rc
    shift 2
    mkdir -p "$WORK/ss-ro"
    if mount --bind "$out" "$WORK/ss-ro" 2>/dev/null && mount -o remount,bind,ro "$WORK/ss-ro" 2>/dev/null; then
        expect_status 2 "$BIN" "$command" "$WORK/ss-ro" "$@" 2>"$WORK/ss-ro.err"
        rc=$?
        umount "$WORK/ss-ro"
        [ "$rc" = 0 ] && grep -q "ss-ro/control.jsonl: cannot write the request: Read-only file system" "$WORK/ss-ro.err" ||
            { cat "$WORK/ss-ro.err"; return 1; }
    else
        echo "(no read-only bind mount here: the unwritable directory is not checked)"
        umount "$WORK/ss-ro" 2>/dev/null
    fi
    return 0
}

# Hostile input: a directory that is not a run, a control file edited into garbage, two stops at once.
ss_hostile() {
    local out=$WORK/ss-hostile rc a b
    expect_status 2 "$BIN" status "$WORK" 2>"$WORK/ss-notrun.err" || return 1
    grep -q "$WORK/status.json: no such file: not a run directory" "$WORK/ss-notrun.err" || { cat "$WORK/ss-notrun.err"; return 1; }
    expect_status 2 "$BIN" stop "$WORK/no-such-dir" 2>"$WORK/ss-nodir.err" || return 1
    grep -q "no-such-dir: no such directory" "$WORK/ss-nodir.err" || { cat "$WORK/ss-nodir.err"; return 1; }
    ss_job "$WORK/ss-hostile.yaml" 200 0.05
    ss_start "$out" 2 "$WORK/ss-hostile.yaml" || return 1
    printf 'this is not json\n{"id":"x","request":"explode"}\n\x1b[2J{"half\n' >>"$out/control.jsonl"
    wait_until 30 ss_status_is "$out" "s['ignored_control_lines'] == 3"
    "$BIN" status "$out" --json | python3 -c "
import json, sys; s = json.load(sys.stdin)
assert s['state'] == 'running' and s['ignored_control_lines'] == 3, s" || { cat "$out.log"; return 1; }
    ss_read_only_refused "$out" stop || return 1
    ("$BIN" stop "$out" >"$WORK/ss-a.out" 2>&1; echo $? >"$WORK/ss-a.rc") &
    a=$!
    ("$BIN" stop "$out" >"$WORK/ss-b.out" 2>&1; echo $? >"$WORK/ss-b.rc") &
    b=$!
    wait "$a" "$b"
    [ "$(cat "$WORK/ss-a.rc")" = 0 ] && [ "$(cat "$WORK/ss-b.rc")" = 0 ] ||
        { echo "stop exit statuses: $(cat "$WORK/ss-a.rc") and $(cat "$WORK/ss-b.rc"), wanted 0 and 0"; cat "$WORK/ss-a.out" "$WORK/ss-b.out"; return 1; }
    cat "$WORK/ss-a.out" "$WORK/ss-b.out" | grep -q "already stopping" || { cat "$WORK/ss-a.out" "$WORK/ss-b.out"; return 1; }
    rc=$(ss_wait "$out" 10) || { echo "$rc"; return 1; }
    [ "$rc" = 3 ] || { echo "exit $rc"; cat "$out.log"; return 1; }
    grep -c "control.jsonl:[0-9]*: ignored, not a request" "$out.log" | grep -qx 3 || { cat "$out.log"; return 1; }
    grep -q 'control.jsonl:3: ignored.*\\u{1b}\[2J' "$out.log" || { echo "the escape sequence was not shown visibly"; cat "$out.log"; return 1; }
}
check "status: not a run (exit 2 naming it); control file garbage ignored with warnings; a read-only run directory refused; two stops at once both answered" ss_hostile

# --watch on a pipe: a line stream of updates until the run ends, then the final state.
ss_watch() {
    local out=$WORK/ss-watch
    ss_job "$WORK/ss-watch.yaml" 100 0.05
    ss_start "$out" 2 "$WORK/ss-watch.yaml" || return 1
    timeout 60 "$BIN" status "$out" --watch >"$WORK/ss-watch.txt" || { cat "$WORK/ss-watch.txt"; return 1; }
    [ "$(grep -c "^$out: running" "$WORK/ss-watch.txt")" -ge 2 ] || { cat "$WORK/ss-watch.txt"; return 1; }
    tail -n 5 "$WORK/ss-watch.txt" | grep -q "^$out: finished, exit status 0" || { cat "$WORK/ss-watch.txt"; return 1; }
    grep -q $'\e' "$WORK/ss-watch.txt" && { echo "escape sequences on a pipe"; return 1; }
    [ "$(ss_wait "$out" 10)" = 0 ]
}
check "status --watch: a line stream until the run ends, then its final state" ss_watch

# A full file system while status.json is written (no inode left: a new file cannot be made,
# the journal still grows): the run goes on and finishes, warned once, and the status catches up.
ss_full_disk() {
    local out=$WORK/ss-full/run i rc
    mkdir -p "$WORK/ss-full"
    if ! mount -t tmpfs -o size=16m,nr_inodes=64 tmpfs "$WORK/ss-full" 2>"$WORK/ss-mount.err"; then
        echo "SKIP: cannot mount a tmpfs here ($(cat "$WORK/ss-mount.err"))"; return 0
    fi
    printf 'name: full\nsweep:\n  grid: {i: {range: [0, 300, 1]}}\ntask:\n  kernel: sleep\n  args: {ms: 30}\n' >"$WORK/ss-full.yaml"
    ss_start "$out" 2 "$WORK/ss-full.yaml" --slots 1 || { umount "$WORK/ss-full"; return 1; }
    mkdir -p "$WORK/ss-full/filler"
    for i in $(seq 100); do : >"$WORK/ss-full/filler/$i" 2>/dev/null || break; done
    sleep 3
    rm -rf "$WORK/ss-full/filler"
    rc=$(ss_wait "$out" 60)
    python3 -c "import json; s = json.load(open('$out/status.json')); assert s['state'] == 'finished', s" || rc=fail
    cp "$out.log" "$WORK/ss-full.log"
    ss_each_once "$out" 300 || rc=fail
    umount "$WORK/ss-full"
    [ "$rc" = 0 ] || { echo "exit $rc"; cat "$WORK/ss-full.log"; return 1; }
    [ "$(grep -c "status.json not written" "$WORK/ss-full.log")" = 1 ] || { cat "$WORK/ss-full.log"; return 1; }
}
check "status: a full file system while status.json is written: warned once, the run finishes (exit 0)" ss_full_disk

# The live report.html is a whole page at every moment: copies taken in a loop during a run
# each end with </html>, say they are live, and render in headless Chromium without console errors.
ss_live_page() {
    local browser out=$WORK/ss-page copies=$WORK/ss-page-copies n=0 copy rendered=0
    browser=$(command -v chromium || command -v chromium-browser) ||
        { echo "SKIP: no chromium (scripts/install-deps --browser installs it)"; return 0; }
    ss_job "$WORK/ss-page.yaml" 300 0.05
    mkdir -p "$copies"
    ss_start "$out" 2 "$WORK/ss-page.yaml" || return 1
    while [ ! -e "$out.rc" ]; do
        [ -e "$out/report.html" ] && cp "$out/report.html" "$copies/$n.html" && n=$((n + 1))
        sleep 0.05
    done
    [ "$(cat "$out.rc")" = 0 ] || { cat "$out.log"; return 1; }
    local live=0
    for copy in "$copies"/*.html; do
        tail -c 20 "$copy" | grep -q "</html>" || { echo "$copy: not a whole page"; return 1; }
        grep -q "<strong>Live</strong>" "$copy" && live=$((live + 1))
    done
    echo "measured: $n copies, $live of them live"
    [ "$live" -ge 2 ] || { echo "fewer than two live copies"; return 1; }
    grep -q "<strong>Live</strong>" "$out/report.html" && { echo "the final page still says live"; return 1; }
    local flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --user-data-dir="$WORK/ss-chromium")
    for copy in $(ls "$copies"/*.html | sort -t/ -k2 | awk 'NR % 7 == 1' | head -n 6) "$out/report.html"; do
        timeout 60 "$browser" "${flags[@]}" --enable-logging=stderr --v=0 --dump-dom "file://$copy" \
            >"$WORK/ss-dom.html" 2>"$WORK/ss-console.log" || { tail -5 "$WORK/ss-console.log"; return 1; }
        if grep -i "CONSOLE\|Uncaught" "$WORK/ss-console.log"; then echo "$copy: console errors"; return 1; fi
        grep -q 'id="summary"' "$WORK/ss-dom.html" || { echo "$copy: no summary section rendered"; return 1; }
        rendered=$((rendered + 1))
    done
    echo "measured: $rendered pages rendered"
}
check "status: the live report.html is whole at every moment and renders in Chromium; the final page replaces it" ss_live_page

# The issue's acceptance for cancel: index 7 of a running sweep cancelled, everything else ok,
# exit 0; an index out of range or already run refused (exit 2); --resume leaves the cancelled
# task alone, --resume --retry-cancelled runs it.
ss_cancel() {
    local out=$WORK/ss-cancel rc
    ss_job "$WORK/ss-cancel.yaml" 40 0.3
    ss_start "$out" 2 "$WORK/ss-cancel.yaml" || return 1
    "$BIN" cancel "$out" 7 >"$WORK/ss-cancel.out" || { cat "$WORK/ss-cancel.out"; return 1; }
    grep -q "7: cancelled" "$WORK/ss-cancel.out" || { cat "$WORK/ss-cancel.out"; return 1; }
    expect_status 2 "$BIN" cancel "$out" 40 2>"$WORK/ss-cancel-range.err" || return 1
    grep -q "task 40 is out of range: the run has tasks 0 to 39" "$WORK/ss-cancel-range.err" || { cat "$WORK/ss-cancel-range.err"; return 1; }
    expect_status 2 "$BIN" cancel "$out" --stage fit >"$WORK/ss-cancel-flat.out" || return 1
    grep -q "not a stage graph" "$WORK/ss-cancel-flat.out" || { cat "$WORK/ss-cancel-flat.out"; return 1; }
    wait_until 30 grep -q '"index":0,' "$out/results.jsonl" || { echo "task 0 not journaled within 30 s"; return 1; }
    expect_status 2 "$BIN" cancel "$out" 0 >"$WORK/ss-cancel-ran.out" || return 1
    grep -q "0: already ran" "$WORK/ss-cancel-ran.out" || { cat "$WORK/ss-cancel-ran.out"; return 1; }
    rc=$(ss_wait "$out" 60) || { echo "$rc"; return 1; }
    [ "$rc" = 0 ] || { echo "exit $rc, wanted 0"; cat "$out.log"; return 1; }
    python3 - "$out" <<'PY' || return 1
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1] + "/results.jsonl")]
by = {}
for l in lines: by.setdefault(l["index"], []).append(l["status"])
assert by.pop(7) == ["cancelled"], lines
assert sorted(by) == [i for i in range(40) if i != 7] and all(s == ["ok"] for s in by.values()), by
s = json.load(open(sys.argv[1] + "/summary.json"))
assert s["tasks_cancelled"] == 1 and s["tasks_cancelled_by_user"] == 1 and s["tasks_succeeded"] == 39, s
PY
    "$BIN" status "$out" | grep -q "1 cancelled" || { "$BIN" status "$out"; return 1; }
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/ss-cancel.yaml" --out "$out" --resume --quiet || return 1
    [ "$(grep -c . "$out/results.jsonl")" = 40 ] || { echo "--resume ran the cancelled task"; return 1; }
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/ss-cancel.yaml" --out "$out" --resume --retry-cancelled --quiet || return 1
    tail -n 1 "$out/results.jsonl" | grep -q '"index":7,.*"status":"ok"' || { tail -n 2 "$out/results.jsonl"; return 1; }
}
check "cancel: index 7 of a running sweep cancelled, the rest ok, exit 0; out of range or already run refused; resume leaves it, --retry-cancelled runs it" ss_cancel

# Cancelling running tasks: their commands are killed at once, the run ends exit 0.
ss_cancel_running() {
    local out=$WORK/ss-cancel-running rc
    ss_job "$WORK/ss-cancel-running.yaml" 2 60
    ss_start "$out" 2 "$WORK/ss-cancel-running.yaml" || return 1
    wait_until 30 ss_commands_running 2 || { echo "the two tasks not started within 30 s"; return 1; }
    "$BIN" cancel "$out" 0 1 >"$WORK/ss-cancel-running.out" || { cat "$WORK/ss-cancel-running.out"; return 1; }
    rc=$(ss_wait "$out" 15) || { echo "$rc"; return 1; }
    [ "$rc" = 0 ] || { echo "exit $rc, wanted 0"; cat "$out.log"; return 1; }
    [ "$(grep -c '"status":"cancelled"' "$out/results.jsonl")" = 2 ] || { cat "$out/results.jsonl"; return 1; }
}
check "cancel: running tasks (sleep 60) cancelled at once, journaled cancelled; the run ends exit 0" ss_cancel_running

# ss_stage_job FILE SECONDS_FILE: a diamond, prep -> (mid: 24 tasks sleeping as long as
# SECONDS_FILE says | side, 8 s: the run lives on after mid is cancelled) -> join -> report.
# Indices: prep 0, mid 1-24, side 25, join 26, report 27.
ss_stage_job() {
    cat >"$1" <<YAML
name: stagecancel
stages:
  - name: prep
    command: [sleep, "0.2"]
  - name: mid
    after: prep
    sweep: {grid: {i: {range: [0, 24, 1]}}}
    task: {shell: "sleep \$(cat $2)"}
  - name: side
    after: prep
    command: [sleep, "8"]
  - name: join
    after: [mid, side]
    command: [sleep, "0.1"]
  - name: report
    after: join
    command: [sleep, "0.1"]
YAML
}

# ss_until_running OUT STAGE: waits (up to 60 s) until the run's status says STAGE runs.
ss_until_running() {
    local waited=0
    until python3 -c "import json, sys; sys.exit('($2' not in (json.load(open('$1/status.json')).get('stages') or ''))" 2>/dev/null; do
        sleep 0.1
        waited=$((waited + 1))
        [ "$waited" -lt 600 ] || { echo "stage $2 never ran"; cat "$1/status.json"; return 1; }
    done
}

# ss_stage_journal OUT WANT: checks the journal's final status per stage against WANT, a
# Python dict of stage -> set of allowed statuses ({} : no line); each index at most one line.
ss_stage_journal() {
    python3 - "$1" "$2" <<'PY'
import collections, json, sys
lines = [json.loads(l) for l in open(sys.argv[1] + "/results.jsonl")]
want = eval(sys.argv[2])
count = collections.Counter(l["index"] for l in lines)
assert max(count.values()) == 1, [i for i, c in count.items() if c > 1]
by = collections.defaultdict(list)
for l in lines: by[l["params"]["stage"]].append(l)
for stage, allowed in want.items():
    got = {l["status"] for l in by[stage]}
    assert got <= allowed and (got or not allowed), (stage, got, allowed)
assert len(by["mid"]) in (0, 24), len(by["mid"])
assert all(l.get("error") == "cancelled: by mpibatch cancel" for l in lines if l["status"] == "cancelled"), lines
PY
}

# The middle stage of a diamond cancelled while it runs: its running tasks end at once, its
# others never start, each journaled cancelled; join and report skipped and named; side ok;
# exit 0. The hostile refusals on the live run. --resume leaves them; --retry-cancelled runs them.
ss_cancel_stage() {
    local out=$WORK/ss-stage rc
    echo 2 >"$WORK/ss-stage.seconds"
    ss_stage_job "$WORK/ss-stage.yaml" "$WORK/ss-stage.seconds"
    ss_start "$out" 2 "$WORK/ss-stage.yaml" || return 1
    ss_until_running "$out" mid || return 1
    expect_status 2 "$BIN" cancel "$out" --stage mdi >"$WORK/ss-stage-typo.out" || return 1
    grep -q "no stage 'mdi' in this run (did you mean 'mid'?)" "$WORK/ss-stage-typo.out" || { cat "$WORK/ss-stage-typo.out"; return 1; }
    expect_status 2 "$BIN" cancel "$out" --stage prep >"$WORK/ss-stage-done.out" || return 1
    grep -q "stage 'prep' has already succeeded: nothing to cancel" "$WORK/ss-stage-done.out" || { cat "$WORK/ss-stage-done.out"; return 1; }
    expect_status 2 "$BIN" cancel "$out" 3 --stage mid 2>"$WORK/ss-stage-both.err" || return 1
    grep -q "INDEX and --stage go alone" "$WORK/ss-stage-both.err" || { cat "$WORK/ss-stage-both.err"; return 1; }
    ss_read_only_refused "$out" cancel --stage mid || return 1
    "$BIN" cancel "$out" --stage mid >"$WORK/ss-stage.out" || { cat "$WORK/ss-stage.out"; return 1; }
    grep -q "stage 'mid' cancelled: .*dependents skipped: join, report" "$WORK/ss-stage.out" || { cat "$WORK/ss-stage.out"; return 1; }
    "$BIN" cancel "$out" --stage mid | grep -q "already cancelled" || return 1
    expect_status 2 "$BIN" cancel "$out" --stage join >"$WORK/ss-stage-skipped.out" || return 1
    grep -q "stage 'join' has already been skipped" "$WORK/ss-stage-skipped.out" || { cat "$WORK/ss-stage-skipped.out"; return 1; }
    rc=$(ss_wait "$out" 15) || { echo "$rc (the cancelled tasks of 2 s x 24 did not end at once)"; return 1; }
    [ "$rc" = 0 ] || { echo "exit $rc, wanted 0"; cat "$out.log"; return 1; }
    ss_stage_journal "$out" "{'prep': {'ok'}, 'side': {'ok'}, 'mid': {'ok', 'cancelled'}, 'join': set(), 'report': set()}" || return 1
    grep -c '"status":"cancelled"' "$out/results.jsonl" | grep -qvx 0 || { echo "nothing cancelled"; return 1; }
    python3 - "$out" <<'PY' || return 1
import json, sys
s = json.load(open(sys.argv[1] + "/summary.json"))
assert s["stages_cancelled"] == ["mid"] and s["stages_skipped_after_cancel"] == ["join", "report"], s
assert s["stages"]["mid"]["status"] == "cancelled" and s["stages_skipped"] == ["join", "report"], s
assert s["tasks_skipped_after_cancel"] == 2 and s["tasks_cancelled_by_user"] >= 20, s
PY
    "$BIN" report "$out" | grep -q "cancelled stages (mpibatch cancel --stage): mid; skipped after them: join, report" || { "$BIN" report "$out"; return 1; }
    "$BIN" status "$out" | grep -q "cancelled 1, skipped 2" || { "$BIN" status "$out"; return 1; }
    expect_status 2 "$BIN" cancel "$out" --stage mid 2>"$WORK/ss-stage-over.err" || return 1
    grep -q "no live run: it is finished" "$WORK/ss-stage-over.err" || { cat "$WORK/ss-stage-over.err"; return 1; }
    cp "$out/results.jsonl" "$WORK/ss-stage-before.jsonl"
    echo 0.01 >"$WORK/ss-stage.seconds"
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/ss-stage.yaml" --out "$out" --resume --quiet || return 1
    cmp -s "$out/results.jsonl" "$WORK/ss-stage-before.jsonl" || { echo "--resume ran something"; diff "$WORK/ss-stage-before.jsonl" "$out/results.jsonl"; return 1; }
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/ss-stage.yaml" --out "$out" --resume --retry-cancelled --quiet || return 1
    python3 - "$out" <<'PY' || return 1
import json, sys
final = {}
for l in open(sys.argv[1] + "/results.jsonl"):
    l = json.loads(l)
    final[l["index"]] = l["status"]
assert sorted(final) == list(range(28)) and set(final.values()) == {"ok"}, final
s = json.load(open(sys.argv[1] + "/summary.json"))
assert "stages_cancelled" not in s and s["tasks_succeeded"] == 28, s
PY
}
check "cancel --stage: the middle stage of a diamond cancelled while it runs (journaled cancelled, dependents skipped and named, exit 0); refusals; resume leaves it, --retry-cancelled runs it" ss_cancel_stage

# A kill -9 of rank 0 just after a stage cancel: the resume cancels the stage again, each of
# its tasks ends with one line (ok or cancelled), its dependents are skipped, exit 0.
ss_cancel_stage_kill() {
    local out=$WORK/ss-stage-kill pid rc
    echo 2 >"$WORK/ss-stage-kill.seconds"
    ss_stage_job "$WORK/ss-stage-kill.yaml" "$WORK/ss-stage-kill.seconds"
    ss_start "$out" 2 "$WORK/ss-stage-kill.yaml" || return 1
    ss_until_running "$out" mid || return 1
    pid=$(python3 -c "import json; print(json.load(open('$out/status.json'))['pid'])")
    "$BIN" cancel "$out" --stage mid >/dev/null || return 1
    kill -9 "$pid"
    rc=$(ss_wait "$out" 30) || { echo "$rc"; return 1; }
    grep -q '"mid"' "$out/cancelled-stages.json" || { echo "the cancel was not recorded"; return 1; }
    echo 0.01 >"$WORK/ss-stage-kill.seconds"
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/ss-stage-kill.yaml" --out "$out" --resume --quiet || return 1
    ss_stage_journal "$out" "{'prep': {'ok'}, 'side': {'ok'}, 'mid': {'ok', 'cancelled'}, 'join': set(), 'report': set()}" || return 1
    python3 -c "import json; s = json.load(open('$out/summary.json')); assert s['stages_cancelled'] == ['mid'], s" || return 1
}
check "cancel --stage: rank 0 killed -9 just after; --resume cancels the stage again (one line per task, dependents skipped, exit 0)" ss_cancel_stage_kill

# Crash property test (issue 10): for each job kind, runs killed at random moments, rank 0 or
# rank 1 with SIGKILL or SIGTERM, then resumed until done. Every index ends
# exactly once with status ok, and the final values (results, Monte Carlo estimate, stage
# values, every task's output read through the journal) are byte-identical to an uninterrupted run. Sourced by run-all.
# CRASH_KILLS (default 4) kills per job kind, at stratified random moments: kill i of N falls
# at a random moment of the i-th N-th of the reference run's wall time (launch to exit, from
# 0.15 s), so the kills spread over start-up, the work and the end of every kind. (Ten kills at a random
# moment from 0.15 s to 1.2 s after launch put most in start-up or, for the Monte Carlo job of
# 0.75 s, after the end, when nothing was killed; it took 200 s of CI.) The four kills of a kind
# are the four pairs of rank (0, 1) and signal (KILL, TERM), each once, in an order that starts
# at another pair for each kind (so a pair meets another quarter of the run in each). Six kills
# with the rank and the signal drawn at random met all four pairs in a kind 38 % of the time
# (1 - 4 (3/4)^6 + 6 (1/2)^6 - 4 (1/4)^6), and took 1.5 times as long.

crash_jobs() { # DIR: writes the four jobs into DIR
    mkdir -p "$1"
    cat >"$1/sweep.yaml" <<'EOF'
name: crash-sweep
sweep:
  grid: {i: {range: [0, 800, 1]}, scale: [0.5]}
task:
  kernel: sleep
  args: {ms: 2}
EOF
    local i
    for i in $(seq 0 299); do echo "sleep 0.00\$((RANDOM % 9 + 1)); echo task $i squared \$(( $i * $i )); echo err $i >&2"; done >"$1/tasks.txt"
    cat >"$1/mc.yaml" <<'EOF'
name: crash-mc
montecarlo:
  kernel: gbm-asian-call
  params: {s0: 42, k: 40, r: 0.1, sigma: 0.2, t: 0.5, steps: 16}
  paths: 50000000
  block: 4096
  seed: 11
  target: {stderr: 0.0015}
EOF
    write_flaky_graph "$1/graph"
}

# rank_pid LAUNCHER RANK: the pid of rank RANK of LAUNCHER's job (mpirun's children are its
# ranks), if it has started and not ended.
rank_pid() {
    local child
    for child in $(pgrep -P "$1"); do
        tr '\0' '\n' </proc/"$child"/environ 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$2" && { echo "$child"; return 0; }
    done
    return 1
}

# random_kill LAUNCHER TRIAL TRIALS SPAN RANK SIGNAL: at a random moment of the TRIAL-th
# TRIALS-th of the time from 0.15 s to SPAN seconds after launch, SIGNAL to rank RANK of
# LAUNCHER's job (a moment before mpirun has started it kills it as soon as it has); prints
# what it did.
random_kill() {
    sleep "$(python3 -c "import random, sys; t, n, span = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]); print(round(0.15 + random.uniform((t - 1) / n, t / n) * max(0.0, span - 0.15), 3))" "$2" "$3" "$4")"
    local victim
    until victim=$(rank_pid "$1" "$5"); do
        kill -0 "$1" 2>/dev/null || { echo "finished before the kill"; return 0; }
        sleep 0.02
    done
    echo "kill -$6 rank $5"
    kill -"$6" "$victim" 2>/dev/null
}

# run_until_done OUT JOB [BEFORE-RESUME-COMMAND]: resumes OUT until the run exits 0 (at most 4 times).
run_until_done() {
    local out=$1 job=$2 fix=${3:-true} tries status
    for tries in 1 2 3 4; do
        $fix
        timeout 120 "${MPIRUN[@]}" -np 2 "$BIN" run "$job" --out "$out" --resume --quiet >>"$out.log" 2>&1
        status=$?
        [ $status -eq 0 ] && return 0
        echo "resume $tries: exit $status"
    done
    tail -n 20 "$out.log"
    return 1
}

# crash_kind NAME FIRST-PAIR JOB TASKS [FIX-COMMAND]: the reference run, then CRASH_KILLS
# killed-and-resumed runs; kill i gets pair (FIRST-PAIR + i - 1) mod 4 of (rank, signal):
# 0 (0, KILL), 1 (1, KILL), 2 (0, TERM), 3 (1, TERM).
crash_kind() {
    local name=$1 first=$2 job=$3 tasks=$4 fix=${5:-true} dir=$WORK/crash-$1 trial trials=${CRASH_KILLS:-4}
    mkdir -p "$dir"
    $fix
    local launched=$EPOCHREALTIME span
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$job" --out "$dir/reference" --quiet || return 1
    span=$(python3 -c "import sys; print(float(sys.argv[1]) - float(sys.argv[2]))" "$EPOCHREALTIME" "$launched")
    echo "reference run: $span s"
    "$JCHECK" "$dir/reference" "$tasks" --canonical "$dir/reference.canonical" || return 1
    for trial in $(seq 1 "$trials"); do
        local out=$dir/trial-$trial
        [ "$fix" = true ] || rm -f "$(dirname "$job")/fixed"
        "${MPIRUN[@]}" -np 2 "$BIN" run "$job" --out "$out" --quiet >"$out.log" 2>&1 &
        local launcher=$!
        local pair=$(((first + trial - 1) % 4))
        echo "trial $trial: $(random_kill $launcher "$trial" "$trials" "$span" $((pair % 2)) "$([ $pair -lt 2 ] && echo KILL || echo TERM)")"
        timeout 60 tail --pid=$launcher -f /dev/null || { echo "trial $trial: mpirun still running 60 s after the kill"; kill -9 $launcher; return 1; }
        wait $launcher
        run_until_done "$out" "$job" "$fix" || { echo "trial $trial: did not complete"; return 1; }
        "$JCHECK" "$out" "$tasks" --canonical "$out.canonical" || return 1
        cmp "$dir/reference.canonical" "$out.canonical" || { echo "trial $trial: results differ from the uninterrupted run"; return 1; }
        compare_extras "$name" "$dir/reference" "$out" || { echo "trial $trial: outputs differ"; return 1; }
    done
}

# compare_extras KIND REFERENCE OUT: what each kind must reproduce beyond the journal's values.
compare_extras() {
    case $1 in
        tasks)
            # Every task's output, stdout and stderr, through its journal line, is the
            # reference's (none lost or given to another task, whatever the kill cut); a few
            # through `mpibatch logs` itself, which prints the task's own lines.
            "$HERE/logs_check.py" "$2" "$3" || return 1
            local i
            for i in 0 57 $((RANDOM % 300)) 299; do
                [ "$("$BIN" logs "$3" "$i" 2>&1)" = "$(printf 'task %d squared %d\nerr %d' "$i" $((i * i)) "$i")" ] ||
                    { echo "mpibatch logs $i: $("$BIN" logs "$3" "$i" 2>&1)"; return 1; }
            done ;;
        mc)
            local fields='"(paths|estimate|stderr|ci95_low|ci95_high)":[^,]*'
            [ "$(grep -Eo "$fields" "$2/summary.json")" = "$(grep -Eo "$fields" "$3/summary.json")" ] ||
                { grep -Eo "$fields" "$2/summary.json" "$3/summary.json"; return 1; } ;;
        graph)
            local stage
            for stage in a b c d e; do
                cmp "$2/stages/$stage/value.json" "$3/stages/$stage/value.json" || return 1
            done ;;
    esac
}

CRASH_JOBS=$WORK/crash-jobs
crash_jobs "$CRASH_JOBS"
fix_graph() { touch "$CRASH_JOBS/graph/fixed"; }
check "crash: a kernel sweep killed ${CRASH_KILLS:-4} times (rank 0 and 1, KILL and TERM) resumes exactly once, identical" \
    crash_kind sweep 0 "$CRASH_JOBS/sweep.yaml" 800
check "crash: a command task file killed ${CRASH_KILLS:-4} times (rank 0 and 1, KILL and TERM) resumes exactly once, identical output" \
    crash_kind tasks 1 "$CRASH_JOBS/tasks.txt" 300
check "crash: Monte Carlo with a target killed ${CRASH_KILLS:-4} times (rank 0 and 1, KILL and TERM) resumes to the bit-identical estimate" \
    crash_kind mc 2 "$CRASH_JOBS/mc.yaml" -
check "crash: a stage graph with a failing-then-fixed stage killed ${CRASH_KILLS:-4} times (rank 0 and 1, KILL and TERM) resumes, same stage values" \
    crash_kind graph 3 "$CRASH_JOBS/graph/dag.yaml" 24 fix_graph

# Hour-scale tasks in miniature (issue 23): 16 tasks of 0.5 s (10 flush intervals; they were
# 2 s, then 1 s, which proved no more and took two and four times as long), static chunks of 4 on 2 ranks × 2 slots,
# a rank SIGKILLed at a random moment from a third to seven eighths of the work (timed
# from the journal's creation, not launch: start-up varies with the load). Every task that
# the side file says ended more than the flush interval (50 ms, plus 100 ms for the message
# and the write) before the kill has its ok line in the journal; then resumes complete it
# exactly once. CRASH_LONG_KILLS (default 2) kills: rank 0 (the journal's writer, whose own
# slots' tasks and the other rank's received ones must be written), then rank 1 (whose
# finished tasks must have been sent), then alternately. Three kills of a random rank hit both
# only 75 % of the time, at 1.5 times the cost.
crash_long_tasks() {
    local dir=$WORK/crash-long trial
    mkdir -p "$dir"
    for trial in $(seq 1 "${CRASH_LONG_KILLS:-2}"); do
        local out=$dir/trial-$trial side=$dir/side-$trial.txt
        cat >"$dir/job-$trial.yaml" <<EOF
name: crash-long
sweep: {grid: {i: {range: [0, 16, 1]}}}
task: {shell: "sleep 0.5; echo {i} \$(date +%s.%N) >> $side"}
EOF
        "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/job-$trial.yaml" --out "$out" --slots 2 --chunk static --quiet >"$out.log" 2>&1 &
        local launcher=$!
        wait_until 30 test -e "$out/results.jsonl" || { echo "trial $trial: no journal within 30 s"; kill $launcher; return 1; }
        sleep "$(python3 -c "import random; print(round(random.uniform(0.68, 1.75), 2))")"
        local victim killed
        victim=$(rank_pid "$launcher" $(((trial - 1) % 2))) || { echo "trial $trial: rank $(((trial - 1) % 2)) finished before the kill"; return 1; }
        killed=$(date +%s.%N)
        kill -KILL "$victim"
        timeout 60 tail --pid=$launcher -f /dev/null || { echo "trial $trial: mpirun still running 60 s after the kill"; kill -9 $launcher; return 1; }
        wait $launcher
        python3 - "$out/results.jsonl" "$side" "$killed" "$trial" <<'PY' || return 1
import json, os, sys
journal, side, killed, trial = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
ok = {json.loads(l)["index"] for l in open(journal) if '"status":"ok"' in l} if os.path.exists(journal) else set()
ended = [(int(i), float(t)) for i, t in (line.split() for line in open(side))] if os.path.exists(side) else []
due = [(i, t) for i, t in ended if t < killed - 0.15]
missing = [(i, round(killed - t, 3)) for i, t in due if i not in ok]
assert not missing, f"trial {trial}: ended this long before the kill, not journaled (index, seconds): {missing}"
print(f"measured: trial {trial}: {len(due)} tasks ended more than 0.15 s before the kill, all journaled")
PY
        run_until_done "$out" "$dir/job-$trial.yaml" || { echo "trial $trial: did not complete"; return 1; }
        "$JCHECK" "$out" 16 || return 1
    done
}
check "crash: tasks of 0.5 s in chunks of 4 killed -9 ${CRASH_LONG_KILLS:-2} times (rank 0, rank 1): every finished task journaled within the flush interval" \
    crash_long_tasks

# Sourced by run-all: runs on a real single-node Slurm (slurm/local-cluster),
# and kills ranks under mpirun. Issue 6's scenarios.

# wait_for_file FILE SECONDS: until FILE exists and is non-empty.
wait_for_file() {
    local waited=0
    while [ ! -s "$1" ] && [ "$waited" -lt "$(($2 * 10))" ]; do sleep 0.1; waited=$((waited + 1)); done
    [ -s "$1" ]
}

# Every index exactly once with status ok in the final view, and never two ok lines for one
# index in the journal (results.jsonl, or every node's shard: journal_lines.py).
exactly_once_ok() { # DIR N
    "$BIN" results "$1" >"$1/final.jsonl" || return 1
    PYTHONPATH=$HERE python3 - "$1" "$2" <<'PY'
import json, sys
import journal_lines
directory, total = sys.argv[1], int(sys.argv[2])
final = [json.loads(l) for l in open(f"{directory}/final.jsonl")]
assert [l["index"] for l in final] == list(range(total)), f"final view has {len(final)} lines for {total} tasks"
assert all(l["status"] == "ok" for l in final), [l for l in final if l["status"] != "ok"][:3]
oks = {}
for l in journal_lines.lines(directory):
    if l["status"] == "ok":
        oks[l["index"]] = oks.get(l["index"], 0) + 1
twice = [i for i, n in oks.items() if n > 1]
assert not twice, f"indices with two ok lines: {twice[:10]}"
PY
}

BIN_ABSOLUTE=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

# Bringing the daemons up is infrastructure, not what is tested: one retry after a
# full stop covers daemons killed moments before (as when a session ends) that the
# sandbox has not reaped yet. The first failure is still printed.
slurm_up() {
    SLURM_STARTED_BY_TESTS=1  # run-all stops it at the end unless it was up before
    slurm/local-cluster start >"$WORK/cluster-start.log" 2>&1 && return 0
    echo "first start failed:"; cat "$WORK/cluster-start.log"
    slurm/local-cluster stop >/dev/null 2>&1; sleep 3
    slurm/local-cluster start
}
check "slurm/local-cluster start: a real single-node cluster" slurm_up

slurm_completes() {
    local out="$WORK/slurm-ok"
    mkdir -p runs
    MPIBATCH="$BIN_ABSOLUTE" timeout 300 sbatch --wait --ntasks=2 --output="$WORK/slurm-ok.log" \
        slurm/mpibatch.sbatch "$HERE/jobs-small-spin.yaml" --out "$out" || { cat "$WORK/slurm-ok.log"; return 1; }
    "$HERE/check_results.py" "$out" 1500 --ranks 2
}
check "sbatch job completes (srun --mpi=pmix or mpirun fallback)" slurm_completes

# The same under srun --mpi=pmix: no PMIx identity and no SLURM_STEP_ID reach the task.
slurm_mpi_program_task() {
    local dir="$WORK/slurm-mpi-task"
    mpi_task_job "$dir" || return 1
    MPIBATCH="$BIN_ABSOLUTE" timeout 300 sbatch --wait --ntasks=2 --output="$dir/job.log" \
        slurm/mpibatch.sbatch "$dir/job.yaml" --out "$dir/out" || { cat "$dir/job.log"; return 1; }
    ran_as_singletons "$dir/out" 2
}
check "sbatch: an MPI program as a command task starts as a singleton" slurm_mpi_program_task

slurm_drains_and_resumes() {
    local out="$WORK/slurm-usr1" job
    mkdir -p runs
    job=$(MPIBATCH="$BIN_ABSOLUTE" sbatch --parsable --ntasks=2 --output="$WORK/slurm-usr1.log" \
        slurm/mpibatch.sbatch "$HERE/jobs-slow-spin.yaml" --out "$out" --grace 5) || return 1
    wait_for_file "$out/results.jsonl" 120 || { echo "no results appeared"; cat "$WORK/slurm-usr1.log"; return 1; }
    sleep 1
    scancel --signal=USR1 --batch "$job"
    local state waited=0
    while squeue -h -j "$job" 2>/dev/null | grep -q . && [ "$waited" -lt 600 ]; do sleep 0.2; waited=$((waited + 1)); done
    state=$(scontrol show job "$job" 2>/dev/null | grep -o 'ExitCode=[0-9]*:[0-9]*' | head -1)
    [ "$state" = "ExitCode=3:0" ] || { echo "first job: $state"; cat "$WORK/slurm-usr1.log"; return 1; }
    python3 -c "
import json; s = json.load(open('$out/summary.json'))
assert s['interrupted'] and s['tasks_failed'] == 0 and s['tasks_succeeded'] < 1200, s"
    grep -q '"status":"failed"' "$out/results.jsonl" && { echo "an interrupted task was recorded as failed"; return 1; }
    MPIBATCH="$BIN_ABSOLUTE" timeout 300 sbatch --wait --ntasks=2 --output="$WORK/slurm-usr1-2.log" \
        slurm/mpibatch.sbatch "$HERE/jobs-slow-spin.yaml" --out "$out" || { cat "$WORK/slurm-usr1-2.log"; return 1; }
    grep -q -- "--resume" "$WORK/slurm-usr1-2.log" || { echo "the resubmitted job did not resume"; return 1; }
    exactly_once_ok "$out" 1200
}
check "scancel --signal=USR1: drains with exit 3; resubmitted, resumes, each index once" slurm_drains_and_resumes

mpirun_rank_killed_then_resume() {
    local out="$WORK/kill9"
    "${MPIRUN[@]}" -np 2 "$BIN" run "$HERE/jobs-slow-spin.yaml" --out "$out" >"$WORK/kill9.log" 2>&1 &
    local launcher=$!
    wait_for_file "$out/results.jsonl" 60 || return 1
    sleep 1
    local victim
    victim=$(pgrep -n -f "$BIN run $HERE/jobs-slow-spin.yaml --out $out") || return 1
    kill -9 "$victim"
    wait "$launcher" && { echo "mpirun exited 0 after a rank was killed"; return 1; }
    local journaled
    journaled=$(grep -c '"status":"ok"' "$out/results.jsonl")
    [ "$journaled" -gt 0 ] || { echo "nothing journaled before the kill"; return 1; }
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$HERE/jobs-slow-spin.yaml" --out "$out" --resume || return 1
    exactly_once_ok "$out" 1200
}
check "kill -9 of one rank under mpirun, then --resume: each index once" mpirun_rank_killed_then_resume

# The whole job (every rank and mpirun) killed -9 at CRASH_TRIALS (default 10) moments from
# 0.3 s to 1.6 s after launch, stratified: trial i of N at a random moment of the i-th N-th of
# that window, so no gap between kills is wider than two strata (0.26 s); 20 at uniform
# moments left gaps about as wide (the widest 0.22 s on average) at twice the time.
crash_loop() {
    local trials=${CRASH_TRIALS:-10} out trial
    for trial in $(seq 1 "$trials"); do
        out="$WORK/crash-$trial"
        "${MPIRUN[@]}" -np 2 "$BIN" run "$HERE/jobs-small-spin.yaml" --out "$out" --quiet >/dev/null 2>&1 &
        local launcher=$!
        sleep "$(python3 -c "import random, sys; t, n = int(sys.argv[1]), int(sys.argv[2]); print(round(0.3 + random.uniform((t - 1) / n, t / n) * 1.3, 3))" "$trial" "$trials")"
        pkill -9 -f "$BIN run $HERE/jobs-small-spin.yaml --out $out" 2>/dev/null
        kill -9 "$launcher" 2>/dev/null
        wait "$launcher" 2>/dev/null
        local resume=()
        [ -e "$out/results.jsonl" ] && resume=(--resume)
        expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$HERE/jobs-small-spin.yaml" --out "$out" --quiet "${resume[@]}" ||
            { echo "trial $trial: resume failed"; return 1; }
        exactly_once_ok "$out" 1500 || { echo "trial $trial: lost or duplicated results"; return 1; }
    done
}
check "crash safety: killed at random moments ${CRASH_TRIALS:-10} times, --resume completes, none lost or duplicated" crash_loop

stopped_rank_is_reported() {
    local out="$WORK/sigstop"
    "${MPIRUN[@]}" -np 2 "$BIN" run "$HERE/jobs-slow-spin.yaml" --out "$out" --heartbeat-timeout 3 >"$WORK/sigstop.log" 2>&1 &
    local launcher=$!
    wait_for_file "$out/results.jsonl" 60 || return 1
    local victim
    victim=$(pgrep -n -f "$BIN run $HERE/jobs-slow-spin.yaml --out $out") || return 1
    kill -STOP "$victim"
    local waited=0
    while kill -0 "$launcher" 2>/dev/null && [ "$waited" -lt 300 ]; do sleep 0.1; waited=$((waited + 1)); done
    kill -CONT "$victim" 2>/dev/null
    if kill -0 "$launcher" 2>/dev/null; then
        echo "still running 30 s after a rank stopped"; kill -9 "$launcher"; return 1
    fi
    wait "$launcher" && { echo "exit 0 with a stopped rank"; return 1; }
    python3 -c "
import json; s = json.load(open('$out/summary.json'))
bad = s['unresponsive_ranks']
assert len(bad) == 1 and bad[0]['host'], s
assert 'stopped answering' in s['stop_reason'], s['stop_reason']" || { cat "$WORK/sigstop.log"; return 1; }
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$HERE/jobs-slow-spin.yaml" --out "$out" --resume || return 1
    exactly_once_ok "$out" 1200
}
check "a rank that stops answering is named (rank, host), the run fails fast, --resume completes" stopped_rank_is_reported

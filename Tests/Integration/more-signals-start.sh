# A signal that comes while a run is still starting (loading, MPI's start-up, a model's
# import) is not lost: the run stops as soon as it starts, with its summary, and a second
# Ctrl-C then ends it at once. Sourced by run-all: uses its check/expect_status/wait_until
# helpers and $BIN, $WORK, $MPIRUN, $HERE. Functions are prefixed sa_ (more-status.sh has ss_).

# sa_job DIR SLEEP: DIR/job.yaml, a Monte Carlo model whose module, as it is imported, writes
# its worker's pid to DIR/started and then sleeps SLEEP seconds: rank 0 waits for that import
# (the run records the interpreter) before its run watches signals of its own.
sa_job() {
    rm -rf "$1"
    mkdir -p "$1"
    cat >"$1/slow_import.py" <<EOF
import os, time
with open("$1/started.tmp", "w") as f:
    f.write(str(os.getpid()))
os.replace("$1/started.tmp", "$1/started")
time.sleep($2)

def payoff(rng, n):
    return rng.standard_normal(n)
EOF
    printf 'name: slow-start\nmontecarlo:\n  python: "slow_import:payoff"\n  paths: 40000\n  seed: 7\n  block: 1000\n' >"$1/job.yaml"
}

# sa_start DIR SLEEP [LAUNCHER...]: sa_job DIR SLEEP, then its run in the background (behind
# LAUNCHER when given), its pid in sa_pid; returns once the model is being imported.
sa_start() {
    local dir=$1 sleep=$2
    shift 2
    sa_job "$dir" "$sleep"
    "$@" "$BIN" run "$dir/job.yaml" --out "$dir/out" --slots 1 2>"$dir/err" &
    sa_pid=$!
    wait_until 30 test -s "$dir/started" || { kill $sa_pid; echo "the model was not imported within 30 s"; return 1; }
}

# sa_no_blocks OUT: OUT's journal holds no line (the run stopped before its first block).
sa_no_blocks() {
    [ ! -s "$1/results.jsonl" ] || { echo "blocks ran after the signal:"; head -n 3 "$1/results.jsonl"; return 1; }
}

# One process: SIGINT while the model imports. It used to end the process (no summary); now
# the run stops before its first block, exit 3, summary.json, and --resume finishes it.
sa_single_sigint() {
    local dir=$WORK/sa-int
    sa_start "$dir" 2 || return 1
    local rank=$sa_pid
    kill -INT $rank
    wait $rank
    local status=$?
    [ $status -eq 3 ] || { echo "exit $status, wanted 3"; cat "$dir/err"; return 1; }
    grep -q "SIGINT while starting" "$dir/err" || { echo "no note of the signal:"; cat "$dir/err"; return 1; }
    grep -q '"interrupted":true' "$dir/out/summary.json" || { echo "no interrupted summary.json"; cat "$dir/err"; return 1; }
    sa_no_blocks "$dir/out" || return 1
    expect_status 0 "$BIN" run "$dir/job.yaml" --out "$dir/out" --slots 1 --resume --quiet || return 1
    grep -q '"paths":40000' "$dir/out/summary.json" || { echo "the resumed run did not finish every path"; return 1; }
}
check "signals at start: SIGINT while the model imports stops the run before its first block (exit 3, summary, resumable)" sa_single_sigint

# One process: Ctrl-C twice while starting ends it at once (130), with no worker left behind.
sa_single_double_sigint() {
    local dir=$WORK/sa-int2
    sa_start "$dir" 60 || return 1
    local rank=$sa_pid
    kill -INT $rank
    sleep 0.3
    kill -INT $rank
    timeout 10 tail --pid=$rank -f /dev/null || { kill -9 $rank; echo "still running 10 s after the second SIGINT"; return 1; }
    wait $rank
    local status=$? worker
    [ $status -eq 130 ] || { echo "exit $status, wanted 130"; cat "$dir/err"; return 1; }
    worker=$(cat "$dir/started")
    wait_until 5 bash -c "! kill -0 $worker 2>/dev/null" || { echo "the model's worker (pid $worker) outlived the run"; kill -9 "$worker"; return 1; }
}
check "signals at start: Ctrl-C twice while starting ends the run at once (exit 130), no worker left" sa_single_double_sigint

# sa_mpirun_interrupted DIR SLEEP [PAUSE]: sa_start DIR SLEEP under mpirun -np 2, then (PAUSE
# seconds after the import began) Ctrl-C to mpirun while the models import; passes if the run
# stopped with an interrupted summary.json and no block.
sa_mpirun_interrupted() {
    local dir=$1
    sa_start "$dir" "$2" "${MPIRUN[@]}" -np 2 || return 1
    local launcher=$sa_pid
    sleep "${3:-0}"
    kill -INT $launcher
    timeout 30 tail --pid=$launcher -f /dev/null || { kill -9 $launcher; echo "mpirun still running 30 s after Ctrl-C"; return 1; }
    wait $launcher
    wait_until 5 test -e "$dir/out/summary.json" || { echo "no summary.json"; cat "$dir/err"; return 1; }
    grep -q '"interrupted":true' "$dir/out/summary.json" || { echo "summary.json is not interrupted"; cat "$dir/err"; return 1; }
    sa_no_blocks "$dir/out"
}

# mpirun -np 2: Ctrl-C to mpirun while the models import. mpirun's SIGCONT to the ranks used to
# be lost then (nothing held the starts, blocks ran until its SIGTERM a second later).
sa_mpirun_sigint() {
    local dir=$WORK/sa-mpi
    sa_mpirun_interrupted "$dir" 0.3 || return 1
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/job.yaml" --out "$dir/out" --slots 1 --resume --quiet || return 1
    grep -q '"paths":40000' "$dir/out/summary.json" || { echo "the resumed run did not finish every path"; return 1; }
}
check "signals at start: Ctrl-C to mpirun -np 2 while the models import: no block runs, summary.json, resumable" sa_mpirun_sigint

# mpirun -np 2: Ctrl-C to mpirun while the models import for 30 s. Rank 0 used to wait for its
# worker's handshake whatever came meanwhile, and mpirun killed it a second after its SIGTERM
# with no summary (under load a slow import did that to the check above, 1 run in 10). Now
# the SIGTERM ends the wait: the run stops before any block, with its summary, no worker left.
sa_mpirun_sigint_slow_import() {
    local dir=$WORK/sa-mpi-slow worker
    # The models import before MPI starts (to overlap the two): a Ctrl-C while the ranks are still
    # in MPI_Init cannot be helped, as mpirun SIGKILLs them 2 s after it whatever they do, and
    # under load MPI's start-up alone took that long. This check is about the wait for the import:
    # the Ctrl-C comes 2 s into it, with the ranks past MPI's start.
    sa_mpirun_interrupted "$dir" 30 2 || return 1
    worker=$(cat "$dir/started")
    wait_until 5 bash -c "! kill -0 $worker 2>/dev/null" || { echo "the model's worker (pid $worker) outlived the run"; kill -9 "$worker"; return 1; }
}
check "signals at start: Ctrl-C to mpirun -np 2 while rank 0's model imports for 30 s: summary.json at once, no block, no worker left" sa_mpirun_sigint_slow_import

# One process: SIGUSR1 (Slurm's warning, forwarded by mpirun) while a 10^6-line task file is
# read. It used to end the process by the signal's default action (exit 138, no summary): the
# run watched its signals only once the job was read.
sa_usr1_while_loading() {
    local dir=$WORK/sa-load
    rm -rf "$dir" && mkdir -p "$dir"
    seq 1 1000000 | sed 's/^/true /' >"$dir/tasks.txt"
    "$BIN" run "$dir/tasks.txt" --out "$dir/out" --quiet 2>"$dir/err" &
    local rank=$!
    sleep 0.3
    kill -USR1 $rank
    wait $rank
    local status=$?
    [ $status -eq 3 ] || { echo "exit $status, wanted 3"; cat "$dir/err"; return 1; }
    grep -q '"interrupted":true' "$dir/out/summary.json" || { echo "no interrupted summary.json"; cat "$dir/err"; return 1; }
}
check "signals at start: SIGUSR1 while a 1,000,000-line task file is read: exit 3 with an interrupted summary" sa_usr1_while_loading

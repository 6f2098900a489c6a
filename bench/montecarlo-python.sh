#!/usr/bin/env bash
# Monte Carlo over users' own models (issue 28), ratios in one run, each side timed two ways:
#   whole process: from the shell's fork to the exit (mpirun's launch, every interpreter's
#     start and `import numpy`, mpibatch's end of run included), for mpibatch and the peers;
#   in-run: mpibatch's own wall (summary.json wall_seconds: from the coordinator's start, after
#     rank 0's first worker answered its handshake, to the summary) beside the peers' time
#     inside Python (after the interpreter started and imported numpy). Beside them, the
#     longest wait of a slot for its worker before it asked for blocks (its first block's
#     journal worker_start_seconds): the workers start as the run does (with --out, as here,
#     while MPI starts), so it is what was left of their start-up, near 0 when they were
#     ready; and what of the in-run wall is not block time: the wall less the busiest slot's
#     blocks (the run's start, its first dispatch, its end, and a slot idle at the end).
# Parts:
#   1. a vectorised numpy European call (bench/montecarlo_python_model.py: payoff), PATHS paths
#      in blocks of BLOCK: mpibatch np=1 without mpirun (a singleton), np=1 and np=2 under
#      mpirun (speedup, target >= 1.85) against the same blocks in a plain Python loop (per core:
#      loop / mpibatch np=1, target >= 0.9);
#   2. a 64-step per-path model (walk), WALK_PATHS paths at np=2 against ProcessPoolExecutor(2):
#      executor.map at each of CHUNKSIZES (its best) and one future per path
#      (targets: >= 2x the best map, >= 5x the futures).
#   bench/montecarlo-python.sh   (BIN=path/to/mpibatch, PATHS=20000000, BLOCK=65536,
#                                 WALK_PATHS=100000, CHUNKSIZES="64 256 1024 4096")
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/mpibatch}
PATHS=${PATHS:-20000000}
BLOCK=${BLOCK:-65536}
WALK_PATHS=${WALK_PATHS:-100000}
CHUNKSIZES=${CHUNKSIZES:-64 256 1024 4096}
WORK=$(mktemp -d /tmp/mpibatch-bench-mcpy.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
. scripts/mpi-env
scripts/install-deps --numpy
cp bench/montecarlo_python_model.py "$WORK/"
printf 'name: bench-call\nmontecarlo:\n  python: "montecarlo_python_model:payoff"\n  params: {s0: 42, k: 40, r: 0.1, sigma: 0.2, t: 0.5}\n  paths: %s\n  seed: 2024\n  block: %s\n' "$PATHS" "$BLOCK" >"$WORK/call.yaml"
printf 'name: bench-walk\nmontecarlo:\n  python: "montecarlo_python_model:walk"\n  calls: path\n  params: {steps: 64}\n  paths: %s\n  seed: 2024\n  block: 1000\n' "$WALK_PATHS" >"$WORK/walk.yaml"

now() { date +%s.%N; }
# mpibatch_run NP JOB NAME: mpibatch run JOB under mpirun -np NP (NP=0: alone, one rank, no
# mpirun), one slot per rank (np=N uses N cores; a rank alone would take every core);
# prints "whole in-run worker-start not-block" seconds.
mpibatch_run() {
    local began launcher=()
    [ "$1" = 0 ] || launcher=(mpirun --oversubscribe -np "$1")
    began=$(now)
    "${launcher[@]}" "$BIN" run "$2" --out "$WORK/$3" --slots 1 --quiet >/dev/null
    local ended
    ended=$(now)
    python3 - "$WORK/$3" "$began" "$ended" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1] + "/summary.json"))
records = [json.loads(line) for line in open(sys.argv[1] + "/results.jsonl")]
busy = {}
for record in records:
    busy[record["rank"], record["slot"]] = busy.get((record["rank"], record["slot"]), 0) + record["seconds"]
print("%.3f %.3f %.3f %.3f" % (float(sys.argv[3]) - float(sys.argv[2]), summary["wall_seconds"],
                               max(record.get("worker_start_seconds", 0) for record in records),
                               summary["wall_seconds"] - max(busy.values())))
PY
}
# peer ARGS...: python3 bench/montecarlo_python_model.py ARGS as a whole process; prints
# "whole in-python" seconds (in-python: what the script measured after its imports).
peer() {
    local began inside
    began=$(now)
    inside=$(cd "$WORK" && python3 montecarlo_python_model.py "$@")
    python3 -c "print('%.3f %.3f' % ($(now) - $began, $inside))"
}
ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }
figures() { python3 -c "import json; s=json.load(open('$WORK/$1/summary.json')); print(repr(s['estimate']), repr(s['stderr']))"; }

uptime
began=$(now)
python3 -c "import numpy"
numpy_start=$(python3 -c "print('%.3f' % ($(now) - $began))")
# What no runner avoids at np=2: mpirun's own launch and end around two processes.
began=$(now)
mpirun --oversubscribe -np 2 true
mpirun_start=$(python3 -c "print('%.3f' % ($(now) - $began))")
read -r call0 call0_in call0_start call0_idle <<<"$(mpibatch_run 0 "$WORK/call.yaml" call0)"
read -r call1 call1_in call1_start call1_idle <<<"$(mpibatch_run 1 "$WORK/call.yaml" call1)"
read -r call2 call2_in call2_start call2_idle <<<"$(mpibatch_run 2 "$WORK/call.yaml" call2)"
cmp <(figures call0) <(figures call1)
cmp <(figures call1) <(figures call2)
read -r loop loop_in <<<"$(peer loop "$PATHS" "$BLOCK" 2024)"
read -r walk2 walk2_in walk2_start walk2_idle <<<"$(mpibatch_run 2 "$WORK/walk.yaml" walk2)"
best="" best_in="" best_chunk=""
for chunk in $CHUNKSIZES; do
    read -r t t_in <<<"$(peer pool "$WALK_PATHS" 2024 "$chunk")"
    echo "executor.map chunksize $chunk: $t s whole, $t_in s in Python"
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $t < $best else 1)"; then best=$t best_in=$t_in best_chunk=$chunk; fi
done
read -r futures futures_in <<<"$(peer pool "$WALK_PATHS" 2024 0)"

echo
echo "python3 -c 'import numpy' alone: $numpy_start s; mpirun -np 2 true: $mpirun_start s. Whole: the process from fork to exit; in-run: mpibatch's"
echo "summary.json wall_seconds (after rank 0's first worker started), the peers' time inside Python."
echo
echo "| measure | whole s | in-run s | worker start s | in-run, not block s | ratio, whole | ratio, in-run | target |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
echo "| call, $PATHS paths, mpibatch np=1 alone (no mpirun) | $call0 | $call0_in | $call0_start | $call0_idle | | | |"
echo "| call, mpibatch np=1 under mpirun | $call1 | $call1_in | $call1_start | $call1_idle | | | |"
echo "| call, mpibatch np=2 (same bits as np=1) | $call2 | $call2_in | $call2_start | $call2_idle | speedup $(ratio "$call1" "$call2") | speedup $(ratio "$call1_in" "$call2_in") | >= 1.85 |"
echo "| call, plain Python loop over the same blocks | $loop | $loop_in | | | per core $(ratio "$loop" "$call0") alone, $(ratio "$loop" "$call1") mpirun | per core $(ratio "$loop_in" "$call0_in") alone, $(ratio "$loop_in" "$call1_in") mpirun | >= 0.9 |"
echo "| walk, $WALK_PATHS paths, mpibatch np=2 | $walk2 | $walk2_in | $walk2_start | $walk2_idle | | | |"
echo "| walk, executor.map best chunksize ($best_chunk), 2 workers | $best | $best_in | | | mpibatch $(ratio "$best" "$walk2")x | mpibatch $(ratio "$best_in" "$walk2_in")x | >= 2 |"
echo "| walk, one future per path, 2 workers | $futures | $futures_in | | | mpibatch $(ratio "$futures" "$walk2")x | mpibatch $(ratio "$futures_in" "$walk2_in")x | >= 5 |"

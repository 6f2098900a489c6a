#!/usr/bin/env bash
# Monte Carlo over users' own models (issue 28), ratios in one run:
#   1. a vectorised numpy European call (bench/montecarlo_python_model.py: payoff), PATHS paths
#      in blocks of BLOCK: mpibatch at np=1 and np=2 (speedup, target >= 1.85) against the same
#      blocks in a plain Python loop (per core: loop time / (np=1 wall), target >= 0.9);
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
# timed NP JOB NAME: whole-process seconds of mpirun -np NP mpibatch run JOB.
timed() {
    local began
    began=$(now)
    mpirun --oversubscribe -np "$1" "$BIN" run "$2" --out "$WORK/$3" --quiet >/dev/null
    python3 -c "print('%.3f' % ($(now) - $began))"
}
ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }

uptime
call1=$(timed 1 "$WORK/call.yaml" call1)
call2=$(timed 2 "$WORK/call.yaml" call2)
cmp <(python3 -c "import json; s=json.load(open('$WORK/call1/summary.json')); print(repr(s['estimate']), repr(s['stderr']))") \
    <(python3 -c "import json; s=json.load(open('$WORK/call2/summary.json')); print(repr(s['estimate']), repr(s['stderr']))")
loop=$(cd "$WORK" && python3 montecarlo_python_model.py loop "$PATHS" "$BLOCK" 2024)
walk2=$(timed 2 "$WORK/walk.yaml" walk2)
best=""
for chunk in $CHUNKSIZES; do
    t=$(cd "$WORK" && python3 montecarlo_python_model.py pool "$WALK_PATHS" 2024 "$chunk")
    echo "executor.map chunksize $chunk: $t s"
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $t < $best else 1)"; then best=$t; fi
done
futures=$(cd "$WORK" && python3 montecarlo_python_model.py pool "$WALK_PATHS" 2024 0)

echo
echo "| measure | seconds | ratio | target |"
echo "| --- | --- | --- | --- |"
echo "| call, $PATHS paths, mpibatch np=1 | $call1 | | |"
echo "| call, mpibatch np=2 (same bits as np=1) | $call2 | speedup $(ratio "$call1" "$call2") | >= 1.85 |"
echo "| call, plain Python loop over the same blocks | $loop | per core $(ratio "$loop" "$call1") | >= 0.9 |"
echo "| walk, $WALK_PATHS paths, mpibatch np=2 | $walk2 | | |"
echo "| walk, executor.map best chunksize (2 workers) | $best | mpibatch $(ratio "$best" "$walk2")x | >= 2 |"
echo "| walk, one future per path (2 workers) | $futures | mpibatch $(ratio "$futures" "$walk2")x | >= 5 |"

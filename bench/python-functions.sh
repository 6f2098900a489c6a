#!/usr/bin/env bash
# Python functions at in-process speed (issue 26): a trivial two-parameter function
# (bench/python_functions_model.py: add(a, b)) called CALLS times
#   1. by mpibatch python: tasks, mpirun -np 2 (two ranks: two workers, one per slot), every
#      call journaled; whole process timed (mpirun start to exit) and the run's own wall_seconds;
#   2. by mpi4py.futures at -np 3 (rank 0 is its master: two workers), executor.map at
#      several chunksizes (its best is the figure to beat), the same way;
#   3. the same at SMALL_CALLS, and mpi4py at chunksize 1 (the way many users call it);
#   4. the function alone in a Python loop, so that the runner's own cost per call can be
#      told apart from the function's: (mpibatch wall × workers) / calls − the loop's time per call;
#   5. the same grid as noop kernel tasks (KERNEL=0 to skip), so that the python: path's own
#      cost (worker, protocol, batches) is told apart from the rest of the run's per-task path
#      (dispatch, journal, end of run), which every task kind pays.
#
#   bench/python-functions.sh     (BIN=path/to/mpibatch, CALLS=2000000, SMALL_CALLS=200000,
#                                  CHUNKSIZES="256 1024 4096 16384", PEER=0 to skip mpi4py)
# Targets (issue 26): mpibatch >= 0.7x mpi4py.futures at its best chunksize, runner cost <= 3 us a call.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/mpibatch}
CALLS=${CALLS:-2000000}
SMALL_CALLS=${SMALL_CALLS:-200000}
CHUNKSIZES=${CHUNKSIZES:-256 1024 4096 16384}
PEER=${PEER:-1}
KERNEL=${KERNEL:-1}
WORK=$(mktemp -d /tmp/mpibatch-bench-py.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
. scripts/mpi-env
[ "$PEER" = 0 ] || scripts/install-deps --bench   # mpi4py (quiet when it is there)
export PYTHONPATH="$PWD/bench${PYTHONPATH:+:$PYTHONPATH}"

now() { date +%s.%N; }
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1/summary.json" "$2"; }

# mpibatch_calls N [TASK]: one run of N calls at np=2 (TASK: the job's task:, the python
# function by default); prints whole-process and in-run figures.
mpibatch_calls() {
    local calls=$1 task=${2:-'{python: "python_functions_model:add"}'} width=1000
    [ "$calls" -ge 1000 ] || width=$calls
    cat >"$WORK/add.yaml" <<YAML
name: python-add
sweep: {grid: {a: {range: [0, $((calls / width)), 1]}, b: {range: [0, $width, 1]}}}
task: $task
YAML
    rm -rf "$WORK/out"
    local began ended
    began=$(now)
    mpirun -np 2 "$BIN" run "$WORK/add.yaml" --out "$WORK/out" --quiet
    ended=$(now)
    local lines
    lines=$(wc -l <"$WORK/out/results.jsonl")
    python3 - "$began" "$ended" "$(field "$WORK/out" wall_seconds)" "$lines" "$calls" "$WORK/add.yaml" <<'PY'
import sys
began, ended, wall, lines, calls = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
assert lines == calls, f"{lines} journal lines for {calls} calls"
whole = ended - began
kind = "noop-kernel" if "kernel: noop" in open(sys.argv[6]).read() else "python"
print(f"mpibatch {kind} calls={calls} np=2 workers=2 whole_process={whole:.3f}s calls_per_second={calls / whole:.0f} "
      f"run_wall={wall:.3f}s run_calls_per_second={calls / wall:.0f} journaled={lines}")
PY
}

# mpi4py_calls N CHUNKSIZE...: mpi4py.futures at np=3, whole process timed around all chunksizes.
mpi4py_calls() {
    local calls=$1
    shift
    local began ended
    began=$(now)
    mpirun --oversubscribe -np 3 python3 -m mpi4py.futures bench/python_functions_mpi4py.py "$calls" "$@"
    ended=$(now)
    python3 -c "import sys; print(f'mpi4py whole process (all chunksizes, start-up once): {float(sys.argv[2]) - float(sys.argv[1]):.3f}s')" "$began" "$ended"
}

echo "== the function alone: a Python loop of $CALLS calls"
python3 - "$CALLS" <<'PY' | tee "$WORK/loop.txt"
import sys, time
from python_functions_model import add
calls = int(sys.argv[1])
started = time.perf_counter()
for i in range(calls):
    add(i, 1)
loop = time.perf_counter() - started
print(f"loop calls={calls} seconds={loop:.3f} us_per_call={loop / calls * 1e6:.3f}")
PY

echo "== 1. mpibatch python: tasks, $CALLS calls, np=2"
mpibatch_calls "$CALLS" | tee "$WORK/mpibatch.txt"
if [ "$KERNEL" != 0 ]; then
    echo "== 5. the same grid as noop kernel tasks, np=2 (what every task kind pays)"
    mpibatch_calls "$CALLS" "{kernel: noop}" | tee "$WORK/noop.txt"
fi
if [ "$PEER" != 0 ]; then
    echo "== 2. mpi4py.futures, $CALLS calls, np=3 (two workers), chunksizes $CHUNKSIZES"
    mpi4py_calls "$CALLS" $CHUNKSIZES | tee "$WORK/mpi4py.txt"
    # The whole process to beat is one that runs only the best chunksize: launch it alone.
    best=$(python3 -c "import re, sys; rows = re.findall(r'chunksize=([0-9]+) .*calls_per_second=([0-9]+)', open(sys.argv[1]).read()); print(max(rows, key=lambda r: int(r[1]))[0])" "$WORK/mpi4py.txt")
    echo "== 2b. mpi4py.futures, $CALLS calls, np=3, its best chunksize ($best) alone, whole process"
    mpi4py_calls "$CALLS" "$best" | tee "$WORK/mpi4py-best.txt"
    python3 - "$WORK/mpibatch.txt" "$WORK/mpi4py-best.txt" <<'PY'
import re, sys
ours = float(re.search(r"whole_process=([0-9.]+)s", open(sys.argv[1]).read()).group(1))
peer = float(re.search(r"whole process \(all chunksizes, start-up once\): ([0-9.]+)s", open(sys.argv[2]).read()).group(1))
print(f"mpibatch / mpi4py.futures at its best chunksize, whole process against whole process: {peer / ours:.2f}x "
      f"({peer:.3f} s / {ours:.3f} s; targets >= 0.7x, then >= 1.0x)")
PY
fi
echo "== 3. $SMALL_CALLS calls: mpibatch np=2; mpi4py.futures np=3 at chunksize 1 and its best"
mpibatch_calls "$SMALL_CALLS"
[ "$PEER" = 0 ] || mpi4py_calls "$SMALL_CALLS" 1 $CHUNKSIZES
python3 - "$WORK/loop.txt" "$WORK/mpibatch.txt" "$WORK/noop.txt" <<'PY'
import re, sys
loop = float(re.search(r"us_per_call=([0-9.]+)", open(sys.argv[1]).read()).group(1))
text = open(sys.argv[2]).read()
calls = int(re.search(r"calls=([0-9]+)", text).group(1))
whole = float(re.search(r"whole_process=([0-9.]+)s", text).group(1))
run = float(re.search(r"run_wall=([0-9.]+)s", text).group(1))
print(f"runner cost per call (2 workers' time / calls - the function's own): whole process {whole * 2 / calls * 1e6 - loop:.2f} us, "
      f"inside the run {run * 2 / calls * 1e6 - loop:.2f} us (target <= 3 us)")
try:
    noop = open(sys.argv[3]).read()
except OSError:
    sys.exit(0)
noop_whole = float(re.search(r"whole_process=([0-9.]+)s", noop).group(1))
noop_run = float(re.search(r"run_wall=([0-9.]+)s", noop).group(1))
print(f"of which the python: path's own (over noop kernel tasks): whole process {(whole - noop_whole) * 2 / calls * 1e6 - loop:.2f} us, "
      f"inside the run {(run - noop_run) * 2 / calls * 1e6 - loop:.2f} us; noop tasks alone: whole process "
      f"{noop_whole * 2 / calls * 1e6:.2f} us, inside the run {noop_run * 2 / calls * 1e6:.2f} us")
PY

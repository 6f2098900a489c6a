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
#   CPU: the model's (the blocks' cpu_seconds, what the workers measured) and the runner's in the
#     run (the ranks' own CPU, summary.json per_rank, less that of a 2-block run at the same np:
#     its start-up, MPI's and the end). Under mpirun each rank is bound to a core (Open MPI's
#     default at np <= 2) and its worker inherits the binding: at np=1 as at np=2 a rank and its
#     worker share one core, so the runner's CPU slows both alike (the per-core figure charges
#     it) and does not bound the speedup. What does is rank 1's worker being ready after rank
#     0's (the np=2 row's worker start: rank 1's first block starts that much into the run,
#     while rank 0 works alone), printed as the bound 2 * in-run(np=1) / (in-run(np=1) + worker
#     start), and the run's end. CPU ratios hold on a loaded machine, where walls do not.
# Parts:
#   1. a vectorised numpy European call (bench/montecarlo_python_model.py: payoff), PATHS paths
#      in blocks of BLOCK: mpibatch np=1 without mpirun (a singleton), np=1 and np=2 under
#      mpirun (speedup, target >= 1.85, judged in-run: the whole process adds mpirun's launch and
#      end, ~0.4 s, to a ~0.4 s job) against the same blocks in a plain Python loop (per core:
#      loop / mpibatch np=1, target >= 0.9); np=1 and np=2 run ROUNDS times interleaved, and the
#      speedup is the ratio of their medians (each round's is printed too);
#   2. a 64-step per-path model (walk), WALK_PATHS paths at np=2 against ProcessPoolExecutor(2):
#      executor.map at each of CHUNKSIZES (its best) and one future per path
#      (targets: >= 2x the best map, >= 5x the futures).
# Every side runs the same interpreter, named by its path (PYTHON, by default what `python3` says
# sys.executable is): a version manager's `python3` (pyenv's is a bash script, ~0.1 s of CPU
# a start) would otherwise be paid once by a peer and once per worker by mpibatch.
#   bench/montecarlo-python.sh   (BIN=path/to/mpibatch, PATHS=20000000, BLOCK=65536, ROUNDS=3,
#                                 WALK_PATHS=100000, CHUNKSIZES="64 256 1024 4096", PYTHON=...)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/mpibatch}
PATHS=${PATHS:-20000000}
BLOCK=${BLOCK:-65536}
ROUNDS=${ROUNDS:-3}
WALK_PATHS=${WALK_PATHS:-100000}
CHUNKSIZES=${CHUNKSIZES:-64 256 1024 4096}
WORK=$(mktemp -d /tmp/mpibatch-bench-mcpy.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
. scripts/mpi-env
scripts/install-deps --numpy
PYTHON=${PYTHON:-$(python3 -c 'import sys; print(sys.executable)')}
cp bench/montecarlo_python_model.py "$WORK/"
call_job() {
    printf 'name: bench-call\nmontecarlo:\n  python: "montecarlo_python_model:payoff"\n  python_program: %s\n  params: {s0: 42, k: 40, r: 0.1, sigma: 0.2, t: 0.5}\n  paths: %s\n  seed: 2024\n  block: %s\n' "$PYTHON" "$1" "$BLOCK"
}
call_job "$PATHS" >"$WORK/call.yaml"
call_job $((2 * BLOCK)) >"$WORK/call-fixed.yaml"
printf 'name: bench-walk\nmontecarlo:\n  python: "montecarlo_python_model:walk"\n  python_program: %s\n  calls: path\n  params: {steps: 64}\n  paths: %s\n  seed: 2024\n  block: 1000\n' "$PYTHON" "$WALK_PATHS" >"$WORK/walk.yaml"

now() { date +%s.%N; }
# mpibatch_run NP JOB NAME: mpibatch run JOB under mpirun -np NP (NP=0: alone, one rank, no
# mpirun), one slot per rank (np=N uses N cores; a rank alone would take every core);
# prints "whole in-run worker-start not-block ranks-cpu model-cpu" seconds.
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
print("%.3f %.3f %.3f %.3f %.3f %.3f" % (float(sys.argv[3]) - float(sys.argv[2]), summary["wall_seconds"],
                                         max(record.get("worker_start_seconds", 0) for record in records),
                                         summary["wall_seconds"] - max(busy.values()),
                                         sum(rank["cpu_seconds"] for rank in summary["per_rank"]),
                                         sum(record["cpu_seconds"] or 0 for record in records)))
PY
}
# peer ARGS...: $PYTHON bench/montecarlo_python_model.py ARGS as a whole process; prints
# "whole in-python [cpu]" seconds (in-python: what the script measured after its imports; the
# loop also says its CPU).
peer() {
    local began inside
    began=$(now)
    inside=$(cd "$WORK" && "$PYTHON" montecarlo_python_model.py "$@")
    python3 -c "import sys; print('%.3f' % (float(sys.argv[1]) - float(sys.argv[2])), *('%.3f' % float(x) for x in sys.argv[3:]))" "$(now)" "$began" $inside
}
ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }
median() { python3 -c "import statistics, sys; print('%.3f' % statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }
figures() { python3 -c "import json; s=json.load(open('$WORK/$1/summary.json')); print(repr(s['estimate']), repr(s['stderr']))"; }

uptime
began=$(now)
"$PYTHON" -c "import numpy"
numpy_start=$(python3 -c "print('%.3f' % ($(now) - $began))")
# What no runner avoids at np=2: mpirun's own launch and end around two processes.
began=$(now)
mpirun --oversubscribe -np 2 true
mpirun_start=$(python3 -c "print('%.3f' % ($(now) - $began))")
read -r call0 call0_in call0_start call0_idle _ _ <<<"$(mpibatch_run 0 "$WORK/call.yaml" call0)"
rounds1=() rounds2=() inrun1=() inrun2=() runner1=() runner2=() model1=() model2=() starts2=() idles1=() idles2=() speedups=()
for round in $(seq "$ROUNDS"); do
    read -r _ _ _ _ fixed1_cpu _ <<<"$(mpibatch_run 1 "$WORK/call-fixed.yaml" "fixed1-$round")"
    read -r _ _ _ _ fixed2_cpu _ <<<"$(mpibatch_run 2 "$WORK/call-fixed.yaml" "fixed2-$round")"
    read -r w1 i1 _ idle1 ranks1 m1 <<<"$(mpibatch_run 1 "$WORK/call.yaml" "call1-$round")"
    read -r w2 i2 s2 idle2 ranks2 m2 <<<"$(mpibatch_run 2 "$WORK/call.yaml" "call2-$round")"
    cmp <(figures call0) <(figures "call1-$round")
    cmp <(figures call0) <(figures "call2-$round")
    rounds1+=("$w1") rounds2+=("$w2") inrun1+=("$i1") inrun2+=("$i2") model1+=("$m1") model2+=("$m2")
    starts2+=("$s2") idles1+=("$idle1") idles2+=("$idle2")
    runner1+=("$(python3 -c "print('%.3f' % ($ranks1 - $fixed1_cpu))")") runner2+=("$(python3 -c "print('%.3f' % ($ranks2 - $fixed2_cpu))")")
    speedups+=("$(ratio "$i1" "$i2")")
done
call1=$(median "${rounds1[@]}") call1_in=$(median "${inrun1[@]}") call1_idle=$(median "${idles1[@]}")
call2=$(median "${rounds2[@]}") call2_in=$(median "${inrun2[@]}") call2_idle=$(median "${idles2[@]}") call2_start=$(median "${starts2[@]}")
runner1_cpu=$(median "${runner1[@]}") runner2_cpu=$(median "${runner2[@]}") model1_cpu=$(median "${model1[@]}") model2_cpu=$(median "${model2[@]}")
read -r loop loop_in loop_cpu <<<"$(peer loop "$PATHS" "$BLOCK" 2024)"
read -r walk2 walk2_in walk2_start walk2_idle _ _ <<<"$(mpibatch_run 2 "$WORK/walk.yaml" walk2)"
best="" best_in="" best_chunk=""
for chunk in $CHUNKSIZES; do
    read -r t t_in <<<"$(peer pool "$WALK_PATHS" 2024 "$chunk")"
    echo "executor.map chunksize $chunk: $t s whole, $t_in s in Python"
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $t < $best else 1)"; then best=$t best_in=$t_in best_chunk=$chunk; fi
done
read -r futures futures_in <<<"$(peer pool "$WALK_PATHS" 2024 0)"

echo
echo "$PYTHON -c 'import numpy' alone: $numpy_start s; mpirun -np 2 true: $mpirun_start s. Whole: the process from fork to exit; in-run: mpibatch's"
echo "summary.json wall_seconds (after rank 0's first worker started), the peers' time inside Python."
echo
echo "| measure | whole s | in-run s | worker start s | in-run, not block s | ratio, whole | ratio, in-run | target |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
echo "| call, $PATHS paths, mpibatch np=1 alone (no mpirun) | $call0 | $call0_in | $call0_start | $call0_idle | | | |"
echo "| call, mpibatch np=1 under mpirun, median of $ROUNDS | $call1 | $call1_in | | $call1_idle | | | |"
echo "| call, mpibatch np=2 (same bits as np=1), median of $ROUNDS | $call2 | $call2_in | $call2_start | $call2_idle | speedup $(ratio "$call1" "$call2") | **speedup $(ratio "$call1_in" "$call2_in")** (rounds ${speedups[*]}) | >= 1.85 in-run |"
echo "| call, plain Python loop over the same blocks | $loop | $loop_in | | | per core $(ratio "$loop" "$call0") alone, $(ratio "$loop" "$call1") mpirun | per core $(ratio "$loop_in" "$call0_in") alone, $(ratio "$loop_in" "$call1_in") mpirun | >= 0.9 |"
echo "| walk, $WALK_PATHS paths, mpibatch np=2 | $walk2 | $walk2_in | $walk2_start | $walk2_idle | | | |"
echo "| walk, executor.map best chunksize ($best_chunk), 2 workers | $best | $best_in | | | mpibatch $(ratio "$best" "$walk2")x | mpibatch $(ratio "$best_in" "$walk2_in")x | >= 2 |"
echo "| walk, one future per path, 2 workers | $futures | $futures_in | | | mpibatch $(ratio "$futures" "$walk2")x | mpibatch $(ratio "$futures_in" "$walk2_in")x | >= 5 |"
echo
echo "CPU in the call's run (medians of $ROUNDS): model $model1_cpu s at np=1, $model2_cpu s at np=2; runner (the ranks' CPU less that of a"
echo "2-block run in the same round) $runner1_cpu s at np=1, $runner2_cpu s at np=2: runner / model $(ratio "$runner1_cpu" "$model1_cpu") and $(ratio "$runner2_cpu" "$model2_cpu");"
echo "Per core by CPU: the loop's $loop_cpu s against mpibatch np=1's model and runner, $model1_cpu + $runner1_cpu s: $(ratio "$loop_cpu" "$(python3 -c "print($model1_cpu + $runner1_cpu)")") (target >= 0.9)."
echo "The in-run speedup's bound from rank 1's later worker, 2 * $call1_in / ($call1_in + $call2_start): $(python3 -c "print('%.2f' % (2 * $call1_in / ($call1_in + $call2_start)))")."

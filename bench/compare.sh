#!/usr/bin/env bash
# Before and after a change, in one run: the core figures of two builds, their runs
# interleaved (old, new, old, new, ...) so that the machine's drift hits both alike.
#
#   bench/compare.sh OLD_DIR NEW_DIR      # each a release build directory holding
#                                         # mpibatch and mpibatch-bench
#   bench/compare.sh OLD_DIR NEW_DIR montecarlo   # the Monte Carlo figures only
#                                                 # (needs only mpibatch)
#   ROUNDS=3 TASKS=2000000 (noop dispatch) PATHS=4000000 (Monte Carlo)
#
# Prints, per figure, each build's median and the ratio new / old:
#   - empty-task dispatch, np=2, --chunk auto, journal on disk (tasks/s)
#   - 1 ms spin tasks, np=2 (tasks/s) and the heavy-tailed job's efficiency under auto
#   - journal line formatting (mpibatch-bench journal, lines/s)
#   - the coordinator alone, 1,000 ranks x 8 slots, dynamic (mpibatch-bench coordinator, tasks/s)
# or, with `montecarlo`, on one core (np=1 --slots 1), within the run (summary.json's
# wall_seconds): the European and Asian GBM calls of bench/montecarlo.sh (normals/s)
# and jobs/first-passage.yaml (paths/s), with each build's estimates side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=${1:?usage: bench/compare.sh OLD_DIR NEW_DIR [montecarlo]}
NEW=${2:?usage: bench/compare.sh OLD_DIR NEW_DIR [montecarlo]}
SET=${3:-core}
PATHS=${PATHS:-4000000}
ROUNDS=${ROUNDS:-3}
TASKS=${TASKS:-2000000}
WORK=$(mktemp -d /tmp/mpibatch-compare.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
. scripts/mpi-env

cat >"$WORK/noop.yaml" <<YAML
name: noop
sweep: {grid: {i: {range: [0, $TASKS, 1]}}}
task: {kernel: noop}
YAML
cat >"$WORK/spin.yaml" <<YAML
name: spin
sweep: {grid: {i: {range: [0, 3000, 1]}}}
task: {kernel: spin, args: {ms: 1}}
YAML
python3 - "$WORK/heavy.csv" <<'PY'
import math, random, sys
rng = random.Random(2024)
mu = math.log(2.0) - 1.5 * 1.5 / 2
with open(sys.argv[1], "w") as f:
    f.write("ms\n")
    f.writelines(f"{rng.lognormvariate(mu, 1.5):.4f}\n" for _ in range(3000))
PY
cat >"$WORK/heavy.yaml" <<YAML
name: heavy-tail
sweep: {table: heavy.csv}
task: {kernel: spin, args: {ms: "{ms}"}}
YAML

for kernel in european asian; do
    printf 'name: gbm\nmontecarlo:\n  kernel: gbm-%s-call\n  params: {s0: 42, k: 40, r: 0.10, sigma: 0.20, t: 0.5, steps: 64}\n  paths: %d\n  block: 4096\n  seed: 2024\n' \
        "$kernel" "$PATHS" >"$WORK/$kernel.yaml"
done
cp jobs/first-passage.yaml "$WORK/first-passage.yaml"

field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1/summary.json" "$2"; }
record() { echo "$1 $2 $3" >>"$WORK/figures"; }  # FIGURE BUILD VALUE

# montecarlo_round DIR BUILD: the Monte Carlo figures of one build.
montecarlo_round() {
    local dir=$1 build=$2 job out seconds
    for job in european asian first-passage; do
        out="$WORK/mc-$build-$job"
        rm -rf "$out"
        mpirun -np 1 "$dir/mpibatch" run "$WORK/$job.yaml" --slots 1 --out "$out" --quiet
        seconds=$(field "$out" wall_seconds)
        if [ "$job" = first-passage ]; then
            record first_passage_paths_per_second "$build" "$(awk -v s="$seconds" 'BEGIN { print 200000 / s }')"
        else
            record "${job}_normals_per_second" "$build" "$(awk -v p="$PATHS" -v s="$seconds" 'BEGIN { print p * 64 / s }')"
        fi
        echo "$job $build estimate $(field "$out" estimate)" >>"$WORK/estimates"
    done
}

for round in $(seq "$ROUNDS"); do
    for build in old new; do
        dir=$OLD; [ "$build" = new ] && dir=$NEW
        if [ "$SET" = montecarlo ]; then
            montecarlo_round "$dir" "$build"
            continue
        fi
        out="$WORK/run-$build-$round"
        rm -rf "$out"
        mpirun -np 2 "$dir/mpibatch" run "$WORK/noop.yaml" --out "$out" --quiet
        record dispatch_tasks_per_second "$build" "$(field "$out" throughput_tasks_per_second)"
        rm -rf "$out"
        mpirun -np 2 "$dir/mpibatch" run "$WORK/spin.yaml" --out "$out" --quiet
        record spin_1ms_tasks_per_second "$build" "$(field "$out" throughput_tasks_per_second)"
        rm -rf "$out"
        mpirun -np 2 "$dir/mpibatch" run "$WORK/heavy.yaml" --out "$out" --quiet
        record heavy_tail_auto_efficiency "$build" "$(field "$out" efficiency)"
        rm -rf "$out"
        record journal_lines_per_second "$build" \
            "$("$dir/mpibatch-bench" journal 2000000 | sed -n 's/.*journal_lines_per_second=\([0-9.e+]*\).*/\1/p')"
        record coordinator_tasks_per_second "$build" \
            "$("$dir/mpibatch-bench" coordinator 1000 8 2000000 dynamic | sed -n 's/.*tasks_per_second=\([0-9]*\).*/\1/p')"
    done
done

[ -f "$WORK/estimates" ] && sort -u "$WORK/estimates"
python3 - "$WORK/figures" <<'PY'
import statistics, sys
figures = {}
for line in open(sys.argv[1]):
    name, build, value = line.split()
    figures.setdefault(name, {}).setdefault(build, []).append(float(value))
print("| figure | old (median) | new (median) | new / old | runs old | runs new |")
print("| --- | --- | --- | --- | --- | --- |")
for name, builds in figures.items():
    old, new = statistics.median(builds["old"]), statistics.median(builds["new"])
    fmt = lambda xs: ", ".join(f"{x:.3g}" for x in xs)
    print(f"| {name} | {old:.4g} | {new:.4g} | {new / old:.2f} | {fmt(builds['old'])} | {fmt(builds['new'])} |")
PY

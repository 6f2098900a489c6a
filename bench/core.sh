#!/usr/bin/env bash
# The core runtime's figures (issue 2), each a ratio or rate from one run of
# this script on this machine:
#   1. MPI ping-pong latency (mpibatch-bench pingpong, np=2)
#   2. empty-task dispatch rate, np=2, --chunk auto (journal on disk, fsync'd)
#   3. speedup and efficiency of 1 ms spin tasks at np=2 vs np=1 --slots 1
#   4. a heavy-tailed job (lognormal ms, mean ~2 ms, sigma 1.5, seed 2024)
#      under --chunk static and --chunk auto at np=2; then the same costs
#      sorted so that cost grows with the index (a sweep over mesh sizes, say)
#   5. CPU used by a rank that waits while the other works (np=2, one 6 s task)
#
#   bench/core.sh          (BIN=path/to/mpibatch, TASKS=2000000 for item 2)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/mpibatch}
BENCH=${BENCH:-$(dirname "$BIN")/mpibatch-bench}
TASKS=${TASKS:-2000000}
WORK=$(mktemp -d /tmp/mpibatch-bench.XXXXXX)
OUT=${BENCH_OUT:-runs/bench}
trap 'rm -rf "$WORK" "$OUT"' EXIT
mkdir -p "$OUT"
. scripts/mpi-env

field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1/summary.json" "$2"; }

echo "== 1. MPI ping-pong (16 bytes, np=2)"
mpirun -np 2 "$BENCH" pingpong

echo "== 2. empty-task dispatch, np=2, --chunk auto, $TASKS noop tasks, median of 3"
cat >"$WORK/noop.yaml" <<YAML
name: noop
sweep: {grid: {i: {range: [0, $TASKS, 1]}}}
task: {kernel: noop}
YAML
# On disk the durable journal (~150 bytes a task, fsync'd) is part of the figure;
# on tmpfs what remains is the runtime's own dispatch.
for place in disk tmpfs; do
    [ "$place" = tmpfs ] && { [ -d /dev/shm ] || continue; }
    rates=()
    for _ in 1 2 3; do
        dir="$OUT/noop"; [ "$place" = tmpfs ] && dir=/dev/shm/mpibatch-bench-noop
        rm -rf "$dir"
        mpirun -np 2 "$BIN" run "$WORK/noop.yaml" --out "$dir" --quiet
        rates+=("$(field "$dir" throughput_tasks_per_second)")
        rm -rf "$dir"
    done
    python3 -c "import sys; r = sorted(map(float, sys.argv[2:])); print(f'dispatch_tasks_per_second_{sys.argv[1]}: median={r[1]:.0f} runs={[round(x) for x in r]}')" "$place" "${rates[@]}"
done

echo "== 3. 1 ms spin tasks: np=2 against np=1 --slots 1"
cat >"$WORK/spin.yaml" <<YAML
name: spin
sweep: {grid: {i: {range: [0, 2000, 1]}}}
task: {kernel: spin, args: {ms: 1}}
YAML
mpirun -np 1 "$BIN" run "$WORK/spin.yaml" --out "$OUT/spin1" --slots 1 --quiet
mpirun -np 2 "$BIN" run "$WORK/spin.yaml" --out "$OUT/spin2" --quiet
python3 - "$OUT" <<'PY'
import json, sys
one = json.load(open(f"{sys.argv[1]}/spin1/summary.json"))
two = json.load(open(f"{sys.argv[1]}/spin2/summary.json"))
speedup = one["wall_seconds"] / two["wall_seconds"]
print(f"spin_np1_wall={one['wall_seconds']:.3f} spin_np2_wall={two['wall_seconds']:.3f}")
print(f"spin_speedup_np2_vs_np1={speedup:.3f} spin_efficiency_np2={speedup / two['slots']:.3f}")
PY

echo "== 4. heavy-tailed tasks (lognormal, mean ~2 ms, sigma 1.5, seed 2024), np=2"
python3 - "$WORK/heavy.csv" <<'PY'
import math, random, sys
rng = random.Random(2024)
sigma = 1.5
mu = math.log(2.0) - sigma * sigma / 2  # mean 2 ms
costs = [rng.lognormvariate(mu, sigma) for _ in range(3000)]
for path, ordered in [(sys.argv[1], costs), (sys.argv[1].replace(".csv", "-sorted.csv"), sorted(costs))]:
    with open(path, "w") as f:
        f.write("ms\n")
        f.writelines(f"{ms:.4f}\n" for ms in ordered)
PY
cat >"$WORK/heavy.yaml" <<YAML
name: heavy-tail
sweep: {table: heavy.csv}
task: {kernel: spin, args: {ms: "{ms}"}}
YAML
sed 's/heavy.csv/heavy-sorted.csv/; s/name: heavy-tail/name: heavy-tail-sorted/' "$WORK/heavy.yaml" >"$WORK/heavy-sorted.yaml"
for job in heavy heavy-sorted; do  # the same costs in random order, then growing with the index
    for policy in static auto; do
        mpirun -np 2 "$BIN" run "$WORK/$job.yaml" --out "$OUT/$job-$policy" --chunk "$policy" --quiet
        echo "${job//-/_}_$policy: efficiency=$(field "$OUT/$job-$policy" efficiency) wall=$(field "$OUT/$job-$policy" wall_seconds) imbalance=$(field "$OUT/$job-$policy" imbalance)"
    done
done

echo "== 5. CPU of a rank that waits while the other works (np=2, one 6 s spin task)"
cat >"$WORK/one.yaml" <<YAML
name: one-long-task
sweep: {grid: {i: [0]}}
task: {kernel: spin, args: {ms: 6000}}
YAML
mpirun -np 2 "$BIN" run "$WORK/one.yaml" --out "$OUT/one" --slots 1 --quiet
python3 - "$OUT/one/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
idle = [r for r in s["per_rank"] if r["tasks"] == 0][0]
print(f"waiting_rank={idle['rank']} cpu_seconds={idle['cpu_seconds']:.3f} wall={s['wall_seconds']:.3f} "
      f"core_share={idle['cpu_seconds'] / s['wall_seconds'] * 100:.2f}% (includes MPI start-up)")
PY

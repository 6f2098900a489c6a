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
#   6. mpi4py.futures.MPIPoolExecutor on the same noop, 0.1 ms and 1 ms spin
#      tasks (bench/core_mpi4py.py), at its best chunksize and at chunksize 1,
#      against mpibatch at the same np and at the same number of workers
#
#   bench/core.sh          (BIN=path/to/mpibatch, TASKS=2000000 for item 2;
#                           PEER_TASKS="noop:N 0.1:N 1:N", PEER_NOOP_SMALL_TASKS for item 6)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/mpibatch}
BENCH=${BENCH:-$(dirname "$BIN")/mpibatch-bench}
TASKS=${TASKS:-2000000}
PEER_TASKS=${PEER_TASKS:-noop:1000000 0.1:20000 1:3000}
PEER_NOOP_SMALL_TASKS=${PEER_NOOP_SMALL_TASKS:-20000}
WORK=$(mktemp -d /tmp/mpibatch-bench.XXXXXX)
OUT=${BENCH_OUT:-runs/bench}
trap 'rm -rf "$WORK" "$OUT"' EXIT
mkdir -p "$OUT"
. scripts/mpi-env
scripts/install-deps --bench   # mpi4py for item 6 (quiet when it is there)

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

echo "== 6. mpi4py.futures.MPIPoolExecutor on the same tasks"
# Launched as its documentation says (mpirun -np N python -m mpi4py.futures
# SCRIPT). At np=2 its rank 0 is the executor's master and runs no task: one
# worker. mpibatch's rank 0 coordinates and runs tasks: two workers at np=2
# --slots 1, one at np=1 --slots 1. Both rates are after MPI start-up, and mpibatch's
# include its journal (on disk, fsync'd); mpi4py keeps its results in memory.
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
# peer_mpibatch NP: mpibatch on peer.yaml at NP ranks of one slot (NP workers); its rate to peer.txt.
peer_mpibatch() {
    local np=$1
    mpirun -np "$np" "$BIN" run "$WORK/peer.yaml" --out "$OUT/peer-np$np" --slots 1 --quiet
    echo "mpibatch workload=$workload tasks=$n np=$np workers=$np" \
        "tasks_per_second=$(field "$OUT/peer-np$np" throughput_tasks_per_second)" >>"$WORK/peer.txt"
    rm -rf "$OUT/peer-np$np"
}
: >"$WORK/peer.txt"
for entry in $PEER_TASKS; do
    workload=${entry%%:*} n=${entry#*:}
    if [ "$workload" = noop ]; then task="{kernel: noop}"; else task="{kernel: spin, args: {ms: $workload}}"; fi
    printf 'name: peer\nsweep: {grid: {i: {range: [0, %s, 1]}}}\ntask: %s\n' "$n" "$task" >"$WORK/peer.yaml"
    peer_mpibatch 2
    peer_mpibatch 1
    chunks="256 4096 $((n / 4))"   # n / (4 x its 1 worker) among them
    if [ "$workload" = noop ]; then   # chunksizes 1 and 16 on fewer noop tasks: all of them would take minutes
        mpirun -np 2 "$PYTHON" -m mpi4py.futures bench/core_mpi4py.py noop "$PEER_NOOP_SMALL_TASKS" 1 16 >>"$WORK/peer.txt"
    else
        chunks="1 16 $chunks"
    fi
    mpirun -np 2 "$PYTHON" -m mpi4py.futures bench/core_mpi4py.py "$workload" "$n" $chunks >>"$WORK/peer.txt"
done
python3 - "$WORK/peer.txt" <<'PY'
import sys
runs = [dict(field.split("=", 1) for field in line.split()[1:]) | {"runner": line.split()[0]} for line in open(sys.argv[1])]
print("| workload | mpibatch np=2 (2 workers) | mpibatch np=1 (1 worker) | mpi4py np=2 (1 worker), best chunksize | "
      "mpi4py np=2, chunksize 1 | mpibatch / mpi4py best, same np | mpibatch / mpi4py chunksize 1, same np | "
      "mpibatch / mpi4py best, 1 worker each | mpibatch / mpi4py chunksize 1, 1 worker each |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
tried_by_workload = []
for workload in dict.fromkeys(r["workload"] for r in runs):
    rate = lambda r: float(r["tasks_per_second"])
    of = [r for r in runs if r["workload"] == workload]
    two = rate(next(r for r in of if r["runner"] == "mpibatch" and r["np"] == "2"))
    one = rate(next(r for r in of if r["runner"] == "mpibatch" and r["np"] == "1"))
    peers = [r for r in of if r["runner"] == "mpi4py"]
    best = max(peers, key=rate)
    chunk1 = rate(next(r for r in peers if r["chunksize"] == "1"))
    tried = ", ".join(f"{r['chunksize']}: {rate(r):.0f}" for r in peers)
    name = "noop" if workload == "noop" else f"spin {workload} ms"
    print(f"| {name} | {two:.0f} | {one:.0f} | {rate(best):.0f} (chunksize {best['chunksize']}) | {chunk1:.0f} | "
          f"{two / rate(best):.2f}x | {two / chunk1:.2f}x | {one / rate(best):.2f}x | {one / chunk1:.2f}x |")
    tried_by_workload.append(f"{name}: mpi4py tasks/s by chunksize: {tried}")
print("\n".join(tried_by_workload))
PY

#!/usr/bin/env bash
# Rank 0 at scale over TCP (issue 11): 64 ranks on 4 virtual nodes (16 a node,
# Tests/Cluster/virtual-cluster), noop and 1 ms spin tasks, against the same
# job at 64 ranks on one node (plain mpirun --oversubscribe, shared memory).
# For each: tasks/s and efficiency from summary.json, rank 0's CPU, the run's
# wall (summary.json, after start-up) and the whole launch's.
#
# On a machine with fewer cores than ranks this is a functional-scale figure:
# it shows whether rank 0 keeps up with 64 ranks and what a dispatch costs it,
# not a speedup. The cluster is brought up here and torn down on exit
# (virtual-cluster down: every process by pid).
#
#   bench/cluster.sh     (BIN=path/to/mpibatch, NOOP_TASKS=300000, SPIN_TASKS=3000)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${BIN:-.build/release/mpibatch}")
NOOP_TASKS=${NOOP_TASKS:-300000}
SPIN_TASKS=${SPIN_TASKS:-3000}
RANKS=64
VC=Tests/Cluster/virtual-cluster
# A cluster number of its own, apart from a developer's (7) and the tests' (71).
export VC_ID=${VC_BENCH_ID:-72} VC_NODES=4
export VC_STATE=/tmp/mpibatch-vc-$VC_ID
SHARED=$VC_STATE/shared   # every node sees it at this path
. scripts/mpi-env

if ! reason=$($VC probe 2>&1); then
    echo "skipped: network namespaces cannot be made here: $reason"
    exit 0
fi
trap '$VC down >/dev/null 2>&1 || true' EXIT
$VC up --no-slurm
mkdir -p "$SHARED"

cat >"$SHARED/noop.yaml" <<YAML
name: noop
sweep: {grid: {i: {range: [0, $NOOP_TASKS, 1]}}}
task: {kernel: noop}
YAML
cat >"$SHARED/spin.yaml" <<YAML
name: spin-1ms
sweep: {grid: {i: {range: [0, $SPIN_TASKS, 1]}}}
task: {kernel: spin, args: {ms: 1}}
YAML

# report WHERE JOB OUT LAUNCH_SECONDS: one line of figures from OUT/summary.json.
report() {
    python3 - "$@" <<'PY'
import json, os, sys
where, job, out, launch = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
s = json.load(open(f"{out}/summary.json"))
assert s["tasks_succeeded"] == s["tasks_total"], f"{out}: {s['tasks_succeeded']} of {s['tasks_total']} ok"
zero = next(r for r in s["per_rank"] if r["rank"] == 0)
hosts = sorted({r["host"] for r in s["per_rank"]})
line = (f"{where:<20} {job:<5} ranks={s['ranks']} hosts={len(hosts)} tasks={s['tasks_total']} "
        f"tasks/s={s['throughput_tasks_per_second']:.0f} efficiency={s['efficiency']:.3f} "
        f"wall={s['wall_seconds']:.2f}s launch={launch:.1f}s rank0_cpu={zero['cpu_seconds']:.2f}s "
        f"rank0_cpu_share={zero['cpu_seconds'] / s['wall_seconds'] * 100:.0f}%")
if job == "noop":  # rank 0's whole CPU (its MPI start-up included) over the tasks it dispatched
    line += f" rank0_cpu_us_per_task={zero['cpu_seconds'] / s['tasks_total'] * 1e6:.2f}"
else:  # the share of the machine's cores that spun tasks (1 ms of CPU each)
    line += f" cores_spinning={s['tasks_total'] * 0.001 / (s['wall_seconds'] * os.cpu_count()) * 100:.0f}%"
print(line)
PY
}

# launch cluster|one-node JOB: runs JOB at 64 ranks, on the virtual cluster or on this one node.
launch() {
    local where=$1 job=$2 out=$SHARED/$1-$2 started
    local mpirun=(mpirun --oversubscribe) label="1 node x 64 (shm)"
    if [ "$where" = cluster ]; then
        mpirun=($VC mpirun --host n1:16,n2:16,n3:16,n4:16) label="4 nodes x 16 (TCP)"
    fi
    rm -rf "$out"
    started=$(date +%s.%N)
    "${mpirun[@]}" -np $RANKS "$BIN" run "$SHARED/$job.yaml" --out "$out" --quiet
    report "$label" "$job" "$out" "$(python3 -c "import sys, time; print(time.time() - float(sys.argv[1]))" "$started")"
}

echo "== $RANKS ranks: 4 virtual nodes x 16 over TCP, and 1 node (oversubscribed, $(nproc) cores)"
for job in noop spin; do
    launch cluster "$job"
    launch one-node "$job"
done

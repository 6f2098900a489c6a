# Sourced by Tests/Integration/run-all (through more-virtual-cluster.sh): the
# multi-node checks, on a virtual cluster of head + n1..n3 that they bring up
# and tear down themselves (Tests/Cluster/virtual-cluster). 3 nodes × 2 ranks;
# the 64-rank check (ranks-64.sh) adds n4 and runs 16 ranks a node.
# Uses run-all's check, expect_status, exactly_once_ok, BIN, HERE and WORK.
# Skipped, with the reason, where network namespaces cannot be made.

VC=Tests/Cluster/virtual-cluster
source Tests/Cluster/ranks-64.sh
# A cluster number of each run's own, so that a developer's cluster (VC_ID=7) and another
# run of the checks beside this one keep running. A run killed before its "cluster: down"
# leaves its cluster: `ls -d /tmp/mpibatch-vc-*`, then `VC_ID=N Tests/Cluster/virtual-cluster down`.
export VC_ID=${VC_CHECK_ID:-$((100 + $$ % 150))}
export VC_STATE=/tmp/mpibatch-vc-$VC_ID
SH=$VC_STATE/shared              # every node sees it at this path
# The static binary `make install` put there (the nodes need no Swift), else the build.
VBIN=$(cd "$(dirname "${MPIBATCH_INSTALLED:-$BIN}")" && pwd)/$(basename "${MPIBATCH_INSTALLED:-$BIN}")

cluster_checks() {
    local reason
    if ! reason=$($VC probe 2>&1); then
        echo "SKIP virtual cluster (multi-node) checks: network namespaces cannot be made here: $reason"
        return 0
    fi
    check "cluster: up (head + 3 nodes, munged, slurmctld, 3 slurmd) in under 10 s" cluster_up || return 0
    check "cluster: binary needs no Swift library (ldd)" no_swift_libraries
    check "cluster: sweep, 3 nodes x 2 ranks: each index once, hosts, slots per node, per_node" cluster_sweep
    check "cluster: command task file: each line once, on every node" cluster_task_file
    check "cluster: Monte Carlo estimate bit-identical to one process" cluster_montecarlo
    check "cluster: a journal per node: a shard per node, one cut and torn, one deleted (named, --force): --resume on one rank reruns exactly the lost blocks, estimate bit-identical" cluster_shards
    check "cluster: a command task on a remote node: job env, no MPI rank variables" cluster_task_env
    check "cluster: gpus: 1, each node its own devices (n1's ranks 0 and 1, n2 2,3,4, n3 5): each task one of its node's, none shared at once" cluster_gpus
    check "cluster: sbatch -N 2 --ntasks-per-node=2 under srun --mpi=pmix" cluster_sbatch srun
    check "cluster: sbatch -N 2 --ntasks-per-node=2 under mpirun" cluster_sbatch mpirun
    check "cluster: status and stop from the head node while rank 0 runs on n1; resume; finished; lost after n1 dies" cluster_status_stop
    check "cluster: node killed (soft) under mpirun: bounded exit, resume on survivors once" cluster_loss soft
    check "cluster: node powered off (hard) under mpirun: summary names it, interrupted not failed, exit <= 15 s, no spinning, resume once" cluster_loss hard
    check "cluster: a SIGSTOPped rank: given up on, exit status 4 <= 15 s, resume once" cluster_loss stop
    check "cluster: node lost under sbatch + srun: requeued, resumed, each index once" cluster_slurm_loss
    check "cluster: dbt on Postgres (head node) from 3 nodes: each stage once, one dbt worker per node, the tables of dbt build; n2 lost mid-run, --resume on n1 and n3: the same tables" cluster_dbt
    check "cluster: 64 ranks on 4 nodes, Monte Carlo, n4 powered off mid-run: ends in seconds naming it; resume on 3 nodes x 4: torn shard cut, each block once, none ok before rerun, estimate bit-identical" cluster_64_ranks
    check "cluster: down leaves no process and no namespace" cluster_down
}

# Only a run whose ONLY= selects the cluster's checks touches the cluster (a filtered run
# beside it, a developer's or a helper's, must not take down the cluster another run uses).
cluster_up() {
    trap '$VC down >/dev/null 2>&1; rm -rf "$WORK"' EXIT
    $VC down >/dev/null 2>&1
    local started=$SECONDS
    $VC up || return 1
    [ $((SECONDS - started)) -lt 10 ] || { echo "up took $((SECONDS - started)) s"; return 1; }
    mkdir -p "$SH"
    [ "$($VC exec n2 hostname)" = n2 ] && $VC exec n1 getent hosts n3 | grep -q "10.77.$VC_ID.13"
}

no_swift_libraries() {
    ldd "$VBIN" || return 1
    ! ldd "$VBIN" | grep -i swift
}

# summary_says DIR PYTHON-ASSERTIONS: runs them with `s` = summary.json.
summary_says() {
    python3 -c "import json; s = json.load(open('$1/summary.json'))
$2"
}

cluster_sweep() {
    local out=$SH/sweep
    expect_status 0 $VC mpirun -np 6 "$VBIN" run "$HERE/jobs-small-spin.yaml" --out "$out" || return 1
    "$HERE/check_results.py" "$out" 1500 --ranks 6 || return 1
    summary_says "$out" "
hosts = [r['host'] for r in s['per_rank']]
assert hosts == ['n1', 'n1', 'n2', 'n2', 'n3', 'n3'], hosts
per_node_slots = max(1, $(nproc) // 2)
assert all(r['slots'] == per_node_slots for r in s['per_rank']), s['per_rank']
nodes = s['per_node']
assert [n['host'] for n in nodes] == ['n1', 'n2', 'n3'], nodes
assert all(n['ranks'] == 2 and n['slots'] == 2 * per_node_slots for n in nodes), nodes
assert sum(n['tasks'] for n in nodes) == 1500, nodes"
}

cluster_task_file() {
    local out=$SH/taskfile i
    for i in $(seq 0 59); do echo "echo line-$i \$(hostname)"; done >"$SH/tasks.txt"
    expect_status 0 $VC mpirun -np 6 "$VBIN" run "$SH/tasks.txt" --out "$out" || return 1
    "$HERE/check_results.py" "$out" 60 --ranks 6 || return 1
    summary_says "$out" "assert all(n['tasks'] > 0 for n in s['per_node']), s['per_node']"
}

cluster_montecarlo() {
    local one=$SH/mc-1 six=$SH/mc-6
    expect_status 0 "$VBIN" run "$HERE/mc-repro.yaml" --out "$one" --quiet || return 1
    expect_status 0 $VC mpirun -np 6 "$VBIN" run "$HERE/mc-repro.yaml" --out "$six" --quiet || return 1
    python3 -c "
import json
a, b = (json.load(open(d + '/summary.json')) for d in ('$one', '$six'))
for key in ('paths', 'estimate', 'stderr'):
    assert repr(a[key]) == repr(b[key]), (key, a[key], b[key])"
}

# A journal per node: a run over the 3 nodes writes one shard per node (no results.jsonl),
# each holding its node's ranks' lines with their part and dispatch number. Then n2's shard
# loses its second half and ends in a torn line (a node lost mid-write); --resume on one
# node with one rank cuts the torn line, writes part 2's shard, runs exactly the blocks lost,
# and the estimate is still one process's, bit for bit.
cluster_shards() {
    local one=$SH/mc-1 out=$SH/mc-shards shard lines kept
    [ -s "$one/summary.json" ] || expect_status 0 "$VBIN" run "$HERE/mc-repro.yaml" --out "$one" --quiet || return 1
    expect_status 0 $VC mpirun -np 6 "$VBIN" run "$HERE/mc-repro.yaml" --out "$out" --quiet || return 1
    [ ! -e "$out/results.jsonl" ] || { echo "a run over 3 nodes wrote results.jsonl"; return 1; }
    [ "$(paste -sd' ' "$out/journal/shards")" = "n0000.p1.jsonl n0001.p1.jsonl n0002.p1.jsonl" ] || { cat "$out/journal/shards"; return 1; }
    python3 - "$out" <<'PY' || return 1
import json, sys
out = sys.argv[1]
for node in range(3):
    lines = [json.loads(l) for l in open(f"{out}/journal/n000{node}.p1.jsonl")]
    assert lines, f"node {node}'s shard is empty"
    assert {l["rank"] for l in lines} <= {2 * node, 2 * node + 1}, (node, {l["rank"] for l in lines})
    assert all(l["part"] == 1 and l["seq"] > 0 for l in lines), node
PY
    shard=$out/journal/n0001.p1.jsonl
    lines=$(wc -l <"$shard")
    kept=$((lines / 2))
    head -n "$kept" "$shard" >"$shard.kept" && mv "$shard.kept" "$shard" || return 1
    printf '{"index":3,"part":1,"seq":' >>"$shard"
    expect_status 0 $VC mpirun --host n3:1 -np 1 "$VBIN" run "$HERE/mc-repro.yaml" --out "$out" --resume --quiet || return 1
    [ "$(tail -c 1 "$shard" | od -An -c | tr -d ' ')" = '\n' ] || { echo "the torn line was not cut"; tail -c 200 "$shard"; return 1; }
    [ "$(paste -sd' ' "$out/journal/shards")" = "n0000.p1.jsonl n0001.p1.jsonl n0002.p1.jsonl n0000.p2.jsonl" ] || { cat "$out/journal/shards"; return 1; }
    "$HERE/journal_check.py" "$out" - || return 1
    python3 -c "
import json
a, b = (json.load(open(d + '/summary.json')) for d in ('$one', '$out'))
assert b['parts'][-1]['attempts'] == $lines - $kept, (b['parts'][-1], $lines - $kept)
for key in ('paths', 'estimate', 'stderr'):
    assert repr(a[key]) == repr(b[key]), (key, a[key], b[key])" || return 1
    # A shard deleted by hand: --resume names it (exit 2); --resume --force runs exactly its blocks again.
    local gone=$out/journal/n0002.p1.jsonl held
    held=$(wc -l <"$gone")
    rm "$gone"
    expect_status 2 "$VBIN" run "$HERE/mc-repro.yaml" --out "$out" --resume --quiet >"$SH/shard-gone.log" 2>&1 &&
        grep -q "n0002.p1.jsonl.*missing" "$SH/shard-gone.log" || { cat "$SH/shard-gone.log"; return 1; }
    expect_status 0 "$VBIN" run "$HERE/mc-repro.yaml" --out "$out" --resume --force --quiet || return 1
    "$HERE/journal_check.py" "$out" - || return 1
    python3 -c "
import json
a, b = (json.load(open(d + '/summary.json')) for d in ('$one', '$out'))
assert b['parts'][-1]['attempts'] == $held, (b['parts'][-1], $held)
for key in ('paths', 'estimate', 'stderr'):
    assert repr(a[key]) == repr(b[key]), (key, a[key], b[key])" || return 1
    echo "measured: n2's shard cut from $lines to $kept lines; the resume ran $((lines - kept)) blocks; n3's ($held lines) deleted, --force ran $held"
}

# Each task writes its environment to env-INDEX.txt. The file name comes from
# $MPIBATCH_INDEX, not {index}: a parameter in a shell: line is shell-quoted
# ('3'), which inside double quotes would become part of the name.
cluster_task_env() {
    local out=$SH/env
    printf 'name: env\nsweep: {repeat: 12}\ntask:\n  shell: env > "$MPIBATCH_OUT/env-$MPIBATCH_INDEX.txt"\n  env: {JOB_SETTING: from-the-job}\n' >"$SH/env.yaml"
    expect_status 0 $VC mpirun -np 6 "$VBIN" run "$SH/env.yaml" --out "$out" || return 1
    PYTHONPATH=$HERE python3 - "$out" <<'PY'
import glob, json, sys
import journal_lines
out = sys.argv[1]
rank = {l["index"]: l["rank"] for l in journal_lines.lines(out)}
host = {r["rank"]: r["host"] for r in json.load(open(out + "/summary.json"))["per_rank"]}
files = glob.glob(out + "/env-*.txt")
assert len(files) == 12, files
remote = 0
for path in files:
    index = int(path.rsplit("-", 1)[1].split(".")[0])
    env = dict(line.split("=", 1) for line in open(path).read().splitlines() if "=" in line)
    bad = [k for k in env if k.startswith("OMPI_COMM_WORLD_") or k.startswith("PMIX_RANK") or k == "PMIX_NAMESPACE"]
    assert not bad, (path, bad)
    assert env.get("JOB_SETTING") == "from-the-job", (path, env.get("JOB_SETTING"))
    assert env.get("MPIBATCH_INDEX") == str(index) and env.get("MPIBATCH_RANK") == str(rank[index]), (path, env)
    remote += host[rank[index]] != host[0]
assert remote > 0, "no task ran on a node other than rank 0's"
PY
}

# Each node's ranks inherit their own CUDA_VISIBLE_DEVICES (on n1 one device per rank, as
# Slurm's --gpus-per-task gives): a node's pool is the union of its ranks' lists.
cluster_gpus() {
    local out=$SH/gpus
    printf 'name: gpus\nsweep: {repeat: 18}\ntask:\n  shell: '\''echo "dev=$CUDA_VISIBLE_DEVICES"; sleep 1'\''\n  gpus: 1\n' >"$SH/gpus.yaml"
    cat >"$SH/gpus-by-node" <<SH
#!/bin/bash
case "\$(hostname)" in
    n1) export CUDA_VISIBLE_DEVICES=\$OMPI_COMM_WORLD_LOCAL_RANK ;;
    n2) export CUDA_VISIBLE_DEVICES=2,3,4 ;;
    n3) export CUDA_VISIBLE_DEVICES=5 ;;
esac
exec "$VBIN" "\$@"
SH
    chmod +x "$SH/gpus-by-node"
    expect_status 0 $VC mpirun -np 6 "$SH/gpus-by-node" run "$SH/gpus.yaml" --slots 2 --out "$out" --quiet || return 1
    "$HERE/resources_check.py" gpus "$out" 18 1 "n1=0,1;n2=2,3,4;n3=5" --at-once 4
}

# cluster_sbatch srun|mpirun: the batch template on two nodes, two ranks each.
cluster_sbatch() {
    local out=$SH/sbatch-$1
    eval "$($VC env)"
    MPIBATCH="$VBIN" MPIBATCH_LAUNCHER=$1 timeout 300 sbatch --wait -N 2 --ntasks-per-node=2 \
        --output="$out.log" slurm/mpibatch.sbatch "$HERE/jobs-small-spin.yaml" --out "$out" ||
        { cat "$out.log"; return 1; }
    "$HERE/check_results.py" "$out" 1500 --ranks 4 || return 1
    summary_says "$out" "
assert sorted(n['host'] for n in s['per_node']) == ['n1', 'n2'], s['per_node']"
}

# Issue 31 on the cluster: `status` and `stop` from the head node (no MPI there, rank 0 on
# n1: "lost" is judged by the sequence number alone, never by a pid or a clock of n1), the
# run drains (exit 3), resumes, and says finished; a run whose rank 0's node dies is lost.
cluster_status_stop() {
    local out=$SH/status launcher status started state
    printf 'name: vc-status\nsweep:\n  grid: {i: {range: [0, 1200, 1]}}\ntask:\n  kernel: sleep\n  args: {ms: 40}\n' >"$SH/status.yaml"
    $VC mpirun -np 6 "$VBIN" run "$SH/status.yaml" --out "$out" --quiet >"$out.log" 2>&1 &
    launcher=$!
    wait_for_file "$out/status.json" 60 || { cat "$out.log"; return 1; }
    sleep 1
    $VC exec head "$VBIN" status "$out" --json >"$SH/status-running.json" || return 1
    python3 - "$SH/status-running.json" <<'PY' || return 1
import json, sys
s = json.load(open(sys.argv[1]))
assert s["state"] == "running" and s["host"] == "n1" and s["finished"] < s["total"] == 1200, s
assert [n["host"] for n in s["nodes"]] == ["n1", "n2", "n3"] and all(n["ranks"] and n["slots"] for n in s["nodes"]), s["nodes"]
assert s["running"] and {r["host"] for r in s["running"]} <= {"n1", "n2", "n3"}, s["running"]
PY
    $VC exec head "$VBIN" stop "$out" | grep -q draining || return 1
    started=$(date +%s.%N)
    wait "$launcher"
    status=$?
    echo "measured: stop from the head node to the end of the launch: $(python3 -c "print(round($(date +%s.%N) - $started, 1))") s"
    [ "$status" -ne 0 ] || { echo "the launch exited 0 after a stop"; return 1; }
    $VC exec head "$VBIN" status "$out" | grep -q ": interrupted, exit status 3" || { $VC exec head "$VBIN" status "$out"; return 1; }
    expect_status 0 $VC mpirun -np 6 "$VBIN" run "$SH/status.yaml" --out "$out" --resume --quiet || return 1
    exactly_once_ok "$out" 1200 || return 1
    $VC exec head "$VBIN" status "$out" | grep -q ": finished, exit status 0" || { $VC exec head "$VBIN" status "$out"; return 1; }
    # Rank 0's node dies: from the head node the run is lost once its status stands still.
    rm -rf "$out"
    $VC mpirun -np 6 "$VBIN" run "$SH/status.yaml" --out "$out" --quiet >"$out.log" 2>&1 &
    launcher=$!
    wait_for_file "$out/status.json" 60 || { cat "$out.log"; return 1; }
    sleep 1
    $VC kill-node n1
    started=$(date +%s.%N)
    state=$($VC exec head "$VBIN" status "$out" --json | python3 -c "import json, sys; print(json.load(sys.stdin)['state'])")
    echo "measured: lost judged from the head node $(python3 -c "print(round($(date +%s.%N) - $started, 1))") s after n1 died"
    wait "$launcher"
    $VC revive-node n1  # the checks after this one need all three nodes
    [ "$state" = lost ] || { echo "state $state, wanted lost"; return 1; }
    expect_status 2 $VC exec head "$VBIN" stop "$out"
}

# all_nodes_idle SECONDS: waits until Slurm has every node idle again (a revived
# node's slurmd has registered, an earlier job's epilog is done).
all_nodes_idle() {
    local i
    for i in $(seq 1 $(($1 * 5))); do
        [ "$(sinfo -h -N -t idle -o %N 2>/dev/null | sort -u | wc -l)" -eq 3 ] && return 0
        sleep 0.2
    done
    sinfo -N
    echo "the Slurm nodes were not all idle after $1 s"
    return 1
}

# mpibatch_pids NODE: the mpibatch ($VBIN) processes running in NODE. The few mpibatch
# processes are found first, by one grep over /proc (a shell loop over every
# process takes seconds on a loaded machine), then kept if they are in NODE.
mpibatch_pids() {
    local inode comm pid
    inode=$(stat -L -c %i "/var/run/netns/mpbvc$VC_ID-$1") || return 0
    # a process's comm is its program's name cut to 15 bytes (MPIBATCH=/path/mpibatch-test)
    for comm in $(grep -lxF "$(basename "$VBIN" | cut -c 1-15)" /proc/[0-9]*/comm 2>/dev/null); do
        pid=${comm#/proc/}
        pid=${pid%/comm}
        [ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" = "net:[$inode]" ] && echo "$pid"
    done
    return 0
}

# loss_ended LAUNCHER STARTED MODE LOG [LIMIT]: the launch (pid LAUNCHER, its output in LOG)
# that lost a node (MODE) at STARTED (date +%s.%N) ends with a failure within LIMIT seconds
# (15) of the loss, and leaves no mpibatch process on any node.
loss_ended() {
    local launcher=$1 started=$2 mode=$3 log=$4 limit=${5:-15} status ended node
    wait "$launcher"
    status=$?
    ended=$(date +%s.%N)
    echo "measured: $mode loss: launch ended with status $status $(python3 -c "print(round($ended - $started, 1))") s after the loss"
    [ "$status" -ne 0 ] || { cat "$log"; return 1; }
    python3 -c "assert $ended - $started <= $limit" || { echo "too slow"; tail -n 20 "$log"; return 1; }
    for node in $(cd "$VC_STATE/nodes" && ls -d n*); do
        [ -z "$(mpibatch_pids "$node")" ] || { echo "mpibatch processes left on $node"; ps -o pid,stat,pcpu,args -p "$(mpibatch_pids "$node" | paste -sd,)"; return 1; }
    done
}

# lost_named DIR NODE RANKS: rank 0's summary names NODE's RANKS ranks as given up on and
# NODE in its stop reason; its tasks that were running are journaled interrupted, none failed.
lost_named() {
    summary_says "$1" "
assert [r['host'] for r in s['unresponsive_ranks']] == ['$2'] * $3, s['unresponsive_ranks']
assert '$2' in s['stop_reason'], s['stop_reason']" || return 1
    grep -q '"status":"interrupted"' "$1"/journal/n*.p1.jsonl || { echo "no interrupted line"; return 1; }
    ! grep -q '"status":"failed"' "$1"/journal/n*.p1.jsonl || { echo "a lost task was recorded failed"; return 1; }
}

# cluster_loss soft|hard|stop: lose n2 (or stop one rank of n3) three seconds into
# a 6-rank run; the launch must end within 15 s, and --resume on the nodes left
# must finish the job with every index once.
cluster_loss() {
    local mode=$1 out=$SH/loss-$1 launcher started lost=n2 stopped
    $VC mpirun -np 6 "$VBIN" run "$HERE/jobs-slow-spin.yaml" --out "$out" >"$out.log" 2>&1 &
    launcher=$!
    wait_for_file "$out/journal/n0000.p1.jsonl" 60 || return 1  # 3 nodes: a shard each
    sleep 2
    # The rank to stop is found first: the loss is the SIGSTOP, not the /proc scan before it. It
    # is n3's writer (its lowest rank): n3's other rank still beats, straight to rank 0 once its
    # writer stops answering, so rank 0 judges a hung process beside an answering one and
    # aborts at once, not a silent node (which waits for mpirun's grace first).
    if [ "$mode" = stop ]; then
        lost=n3
        stopped=$(for pid in $(mpibatch_pids n3); do
            echo "$(tr '\0' '\n' <"/proc/$pid/environ" | sed -n 's/^OMPI_COMM_WORLD_RANK=//p') $pid"
        done | sort -n | head -n 1 | cut -d ' ' -f 2)
        [ -n "$stopped" ] || { echo "no mpibatch process on n3"; return 1; }
    fi
    started=$(date +%s.%N)
    case $mode in
        soft) $VC kill-node n2 ;;
        hard) $VC kill-node n2 --hard ;;
        stop) kill -STOP "$stopped" ;;
    esac
    loss_ended "$launcher" "$started" "$mode" "$out.log" || return 1
    if [ "$mode" != soft ]; then  # a crash is Open MPI's to see first: it ends the launch before rank 0 can write
        lost_named "$out" "$lost" 2 || return 1
    fi
    [ "$mode" = hard ] && $VC revive-node n2
    [ "$mode" = stop ] || lost=n2
    local survivors
    survivors=$(printf '%s\n' n1 n2 n3 | grep -vx "$lost" | sed 's/$/:2/' | paste -sd,)
    expect_status 0 $VC mpirun --host "$survivors" -np 4 "$VBIN" run "$HERE/jobs-slow-spin.yaml" --out "$out" --resume ||
        return 1
    exactly_once_ok "$out" 1200
}

# A node powered off under srun: rank 0 gives up on it and aborts the step
# (exit status 4), srun ends KillWait + 2 s later, the batch script requeues
# the job, which resumes on the nodes Slurm gives it and finishes. The node stays
# down meanwhile, as a dead node does: the requeued job starts once slurmctld
# has marked it down (SlurmdTimeout), on n1 and n3.
cluster_slurm_loss() {
    local out=$SH/slurm-loss job state started left= ended=
    eval "$($VC env)"
    all_nodes_idle 60 || return 1
    job=$(MPIBATCH="$VBIN" MPIBATCH_LAUNCHER=srun sbatch --parsable -N 2 --ntasks-per-node=2 \
        --output="$out.log" slurm/mpibatch.sbatch "$HERE/jobs-slow-spin.yaml" --out "$out") || return 1
    wait_for_file "$out/journal/n0000.p1.jsonl" 60 || { cat "$out.log"; return 1; }  # 2 nodes: a shard each
    sleep 2
    started=$SECONDS
    $VC kill-node n2 --hard
    # Two ways out of the first run, both a requeue and a resume: mpibatch judges n2 lost, srun
    # ends, and the batch script requeues the job (what a real cluster's SlurmdTimeout of
    # minutes leaves); or slurmctld declares n2 down first (this cluster's is 6 s) and requeues
    # the job for node failure itself, killing the batch script. The race between them is
    # decided by a second either way; what is checked is that the job left RUNNING soon after
    # the loss, restarted once on the nodes left and resumed.
    while [ $((SECONDS - started)) -lt 180 ]; do
        state=$(scontrol show job "$job" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -n 1)
        [ -n "$left" ] || [ "$state" = JobState=RUNNING ] || left=$((SECONDS - started))
        [ -n "$ended" ] || ! grep -q "mpibatch exited with status" "$out.log" || ended=$((SECONDS - started))
        case $state in JobState=COMPLETED|JobState=FAILED|JobState=CANCELLED|JobState=TIMEOUT|JobState=NODE_FAIL) break ;; esac
        sleep 0.2
    done
    $VC revive-node n2
    cat "$out.log"
    echo "the job left RUNNING ${left:-never} s after the loss; it was $state $((SECONDS - started)) s after it"
    [ "$state" = JobState=COMPLETED ] || { echo "job $job: $state"; return 1; }
    if grep -q "DUE TO NODE FAILURE" "$out.log"; then
        echo "measured: n2 lost: slurmctld requeued the job for node failure ${left:-never} s after the loss"
    else
        [ -n "$ended" ] || { echo "the batch script did not see mpibatch end, and Slurm did not requeue for node failure"; return 1; }
        grep -q "mpibatch exited with status 4" "$out.log" || { echo "the first run did not exit with status 4"; return 1; }
        grep -q "stopped answering" "$out.log" || { echo "the lost node was not named"; return 1; }
        echo "measured: n2 lost: mpibatch ended with status 4 and the script requeued the job ${ended} s after the loss"
    fi
    [ -n "$left" ] && [ "$left" -le 20 ] || { echo "the job stayed RUNNING too long after the loss"; return 1; }
    grep -q -- "restart 1 on n\[1,3\]" "$out.log" || { echo "not requeued once, onto n1 and n3"; return 1; }
    grep -q -- "--resume" "$out.log" || { echo "the requeued job did not resume"; return 1; }
    exactly_once_ok "$out" 1200
}

# Issue 29 on the cluster: Tests/Integration/dbt-jaffle built by mpibatch import dbt from the
# 3 nodes (6 ranks) against a Postgres on the head node, and by dbt build on the head; then a
# run that loses n2 once some stages have finished, resumed on n1 and n3. Each node's first
# dbt worker runs that node's nodes (its lock RUN/dbt-worker-NODE.lock); every stage ends ok
# once, and the tables and their row counts are dbt build's. Needs scripts/install-deps
# --dbt (skipped without dbt).
cluster_dbt() {
    command -v dbt >/dev/null && command -v psql >/dev/null || { echo "no dbt or psql (scripts/install-deps --dbt): not checked"; return 0; }
    # an ONLY= that picks this check (ONLY=dbt) but not "cluster: up" leaves the cluster down
    $VC exec head true 2>/dev/null || { echo "the virtual cluster is not up (ONLY= without its 'cluster: up'): not checked"; return 0; }
    local pg=$SH/pg port=$((54000 + VC_ID)) head=10.77.$VC_ID.10 project=$SH/dbt-jaffle status
    mkdir -p "$pg" && chmod 755 "$VC_STATE" "$SH" "$pg"   # the user postgres reaches its directory
    $VC exec head env PG_LISTEN="127.0.0.1,$head" scripts/postgres-server start "$pg" "$port" >/dev/null || return 1
    local pg_psql=($VC exec head psql -h 127.0.0.1 -p "$port" -U postgres -X -q)
    "${pg_psql[@]}" -c "create database vc_build" -c "create database vc_mpi" -c "create database vc_loss" || { cluster_dbt_end; return 1; }
    rm -rf "$project" && cp -r "$HERE/dbt-jaffle" "$project" && rm -rf "$project/target" "$project/logs"
    (cd "$project" && dbt -q parse --profiles-dir . --target postgres >parse.log 2>&1) || { cat "$project/parse.log"; cluster_dbt_end; return 1; }
    "$VBIN" import dbt "$project/target/manifest.json" --target postgres >"$SH/dbt.yaml" || { cluster_dbt_end; return 1; }
    local -x JAFFLE_PG_HOST=$head JAFFLE_PG_PORT=$port   # for this check alone
    JAFFLE_PG_DB=vc_build $VC exec head dbt -q build --threads 2 --project-dir "$project" --profiles-dir "$project" --target postgres \
        --target-path "$SH/dbt-build" --log-path "$SH/dbt-build" >"$SH/dbt-build.log" 2>&1 ||
        { cat "$SH/dbt-build.log"; cluster_dbt_end; return 1; }
    local pass=(-x JAFFLE_PG_HOST -x JAFFLE_PG_PORT -x JAFFLE_PG_DB)
    JAFFLE_PG_DB=vc_mpi expect_status 0 $VC mpirun -np 6 "${pass[@]}" "$VBIN" run "$SH/dbt.yaml" --out "$SH/dbt-run" --quiet || { cluster_dbt_end; return 1; }
    exactly_once_ok "$SH/dbt-run" 30 || { cluster_dbt_end; return 1; }
    local workers
    workers=$(cd "$SH/dbt-run" && ls dbt-worker-*.lock | sort | paste -sd' ')
    [ "$workers" = "dbt-worker-n1.lock dbt-worker-n2.lock dbt-worker-n3.lock" ] || { echo "holders: $workers"; cluster_dbt_end; return 1; }
    [ "$(ls -d "$SH"/dbt-run/dbt/worker-rank-* | wc -l)" -eq 3 ] || { ls "$SH/dbt-run/dbt"; echo "not one dbt worker per node"; cluster_dbt_end; return 1; }
    # n2 lost once the first node stages have finished (the checks and one node: the 30
    # stages take about 2 s once the workers have parsed, so a later kill may find the run
    # over); --resume on the nodes left
    JAFFLE_PG_DB=vc_loss $VC mpirun -np 6 "${pass[@]}" "$VBIN" run "$SH/dbt.yaml" --out "$SH/dbt-loss" --quiet >"$SH/dbt-loss.log" 2>&1 &
    local launcher=$! finished=0
    for _ in $(seq 1 6000); do
        finished=$(cat "$SH"/dbt-loss/journal/n*.p1.jsonl 2>/dev/null | grep -c '"status":"ok"')
        [ "${finished:-0}" -ge 3 ] && break
        sleep 0.05
    done
    $VC kill-node n2
    wait "$launcher"
    status=$?
    [ "$status" -ne 0 ] || { echo "the run ended 0 though n2 was lost (after $finished stages)"; cluster_dbt_end; return 1; }
    JAFFLE_PG_DB=vc_loss expect_status 0 $VC mpirun --host n1:2,n3:2 -np 4 "${pass[@]}" "$VBIN" run "$SH/dbt.yaml" --out "$SH/dbt-loss" --resume --quiet ||
        { cluster_dbt_end; return 1; }
    exactly_once_ok "$SH/dbt-loss" 30 || { cluster_dbt_end; return 1; }
    local db
    for db in vc_build vc_mpi vc_loss; do
        $VC exec head "$HERE/dbt_tables.py" postgres "$port" "$db" >"$SH/$db.tables" || { cluster_dbt_end; return 1; }
    done
    [ "$(wc -l <"$SH/vc_build.tables")" -eq 8 ] || { cat "$SH/vc_build.tables"; cluster_dbt_end; return 1; }
    diff "$SH/vc_build.tables" "$SH/vc_mpi.tables" && diff "$SH/vc_build.tables" "$SH/vc_loss.tables" || { cluster_dbt_end; return 1; }
    echo "n2 lost after $finished of 30 stages (the launch ended with status $status)"
    cluster_dbt_end
}

# cluster_dbt_end: the head node's Postgres stopped (by its pid) and n2 back for the checks after.
cluster_dbt_end() {
    scripts/postgres-server stop "$SH/pg"
    $VC revive-node n2 >/dev/null 2>&1
    return 0
}

cluster_down() {
    $VC down || return 1
    ! ip netns list | grep -q "mpbvc$VC_ID-" || { echo "namespaces left"; return 1; }
    ! ip link show "mpbvc$VC_ID" >/dev/null 2>&1 || { echo "bridge left"; return 1; }
    [ ! -e "$VC_STATE" ]
}

cluster_checks

# Sourced by Tests/Cluster/checks.sh: 64 ranks over 4 nodes end to end with a journal
# per node, one node powered off mid-run, --resume on the 3 nodes left (issue 27, item 6).
# Uses checks.sh's VC, SH, VBIN, summary_says, loss_ended and lost_named, and run-all's
# expect_status, exactly_once_ok and HERE.

# A Monte Carlo job of 6,000 blocks: about 3.5 s of one core, so that 64 ranks on this
# machine's 2 cores run it for about 3 s, long enough to lose a node in its middle.
ranks64_job() {
    cat <<'YAML'
name: mc-64-ranks
montecarlo:
  kernel: gbm-asian-call
  params: {s0: 42, k: 40, r: 0.10, sigma: 0.20, t: 0.5, steps: 128}
  paths: 6000000
  block: 1000
  seed: 31
YAML
}

# journaled_ok DIR [SHARD]: how many blocks part 1's shards (or SHARD alone) hold an ok line
# for (a shard's last line may be torn: only whole lines count).
journaled_ok() {
    python3 - "$@" <<'PY'
import json, sys
out = sys.argv[1]
ok = set()
for name in sys.argv[2:] or open(f"{out}/journal/shards").read().split():
    data = open(f"{out}/journal/{name}", "rb").read()
    for raw in data[: data.rfind(b"\n") + 1].splitlines():
        line = json.loads(raw)
        if line["status"] == "ok":
            ok.add(line["index"])
print(len(ok))
PY
}

# 4 nodes × 16 ranks: a fourth node joins the cluster (no slurmd). Once part of the blocks is
# journaled, n4 is powered off (link down, then its processes killed): the launch must end in
# seconds with rank 0's summary naming n4's 16 ranks (the others go on until rank 0 gives up on
# n4, 5 s later, and most blocks are done by then). n4's shard is left with a torn last line,
# as a write cut by the power-off would leave it. --resume on n1..n3 with 12 ranks cuts the
# torn line, runs exactly the blocks with no ok line (those journaled before the loss, n4's
# included, are not run again), and the estimate is one process's, bit for bit.
cluster_64_ranks() {
    $VC exec head true 2>/dev/null || { echo "the virtual cluster is not up (ONLY= without its 'cluster: up'): not checked"; return 0; }
    local vc4=(env VC_NODES=4 $VC) job=$SH/mc-64.yaml one=$SH/mc-64-1 out=$SH/mc-64 reference launcher
    local blocks=6000 ok_before on_n4 started shard=$SH/mc-64/journal/n0003.p1.jsonl
    "${vc4[@]}" up --no-slurm || return 1
    ranks64_job >"$job"
    "$VBIN" run "$job" --out "$one" --quiet &
    reference=$!
    # --chunk dynamic: chunks of 2 blocks, so that lines reach the shards as the blocks end
    # (auto's first chunks of ~47 blocks are half the run: their lines come too late to time a loss)
    "${vc4[@]}" mpirun --host n1:16,n2:16,n3:16,n4:16 -np 64 "$VBIN" run "$job" --chunk dynamic --out "$out" --quiet >"$out.log" 2>&1 &
    launcher=$!
    wait_for_file "$out/journal/shards" 120 || { cat "$out.log"; return 1; }
    # n4 goes once a twentieth of the blocks has a line (shell built-ins only: a poll that starts
    # a process each round, on a machine this busy, could see the end of the run instead)
    local lines=0 file held
    while [ "$lines" -lt $((blocks / 20)) ] && kill -0 "$launcher" 2>/dev/null; do
        lines=0
        for file in "$out"/journal/n*.p1.jsonl; do
            mapfile -t held <"$file"
            lines=$((lines + ${#held[@]}))
        done
        sleep 0.05
    done
    started=$(date +%s.%N)
    "${vc4[@]}" kill-node n4 --hard || return 1
    # mpirun's keepalive notices n4 8-9 s after the loss, then ends 48 ranks on 2 cores: 12-14 s
    loss_ended "$launcher" "$started" hard "$out.log" 20 || return 1
    wait "$reference" || return 1
    lost_named "$out" n4 16 || return 1
    summary_says "$out" "assert sorted({r['host'] for r in s['per_rank']}) == ['n1', 'n2', 'n3', 'n4'], s['per_rank']" || return 1
    [ "$(paste -sd' ' "$out/journal/shards")" = "n0000.p1.jsonl n0001.p1.jsonl n0002.p1.jsonl n0003.p1.jsonl" ] || { cat "$out/journal/shards"; return 1; }
    local rank0_cpu
    rank0_cpu=$(summary_says "$out" "print(s['per_rank'][0]['cpu_seconds'], s['wall_seconds'])") || return 1
    ok_before=$(journaled_ok "$out") && on_n4=$(journaled_ok "$out" n0003.p1.jsonl) || return 1
    [ "$ok_before" -gt 0 ] && [ "$ok_before" -lt "$blocks" ] || { echo "$ok_before of $blocks blocks journaled ok before the loss: not mid-run"; return 1; }
    local whole
    whole=$(wc -l <"$shard")
    printf '{"index":7,"part":1,"seq":' >>"$shard"
    expect_status 0 $VC mpirun --host n1:4,n2:4,n3:4 -np 12 "$VBIN" run "$job" --out "$out" --resume --quiet || return 1
    [ "$(wc -l <"$shard")" -eq "$whole" ] && { [ "$whole" -eq 0 ] || [ "$(tail -c 1 "$shard" | od -An -c | tr -d ' ')" = '\n' ]; } ||
        { echo "n4's torn line was not cut to its $whole whole lines"; tail -c 200 "$shard"; return 1; }
    [ "$(sed -n '5,$p' "$out/journal/shards" | paste -sd' ')" = "n0000.p2.jsonl n0001.p2.jsonl n0002.p2.jsonl" ] || { cat "$out/journal/shards"; return 1; }
    "$HERE/journal_check.py" "$out" "$blocks" || return 1
    exactly_once_ok "$out" "$blocks" || return 1
    python3 -c "
import json
a, b = (json.load(open(d + '/summary.json')) for d in ('$one', '$out'))
assert b['parts'][-1]['attempts'] == $blocks - $ok_before, (b['parts'][-1], $blocks - $ok_before)
for key in ('paths', 'estimate', 'stderr'):
    assert repr(a[key]) == repr(b[key]), (key, a[key], b[key])" || return 1
    echo "measured: n4 lost with $ok_before of $blocks blocks journaled ok ($on_n4 in n4's shard); the resume on 12 ranks ran the other $((blocks - ok_before))"
    echo "measured: rank 0's CPU seconds and the run's wall seconds at 64 ranks, up to the loss: $rank0_cpu"
}

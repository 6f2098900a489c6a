# --resume --force of a changed job (issue 23, item 5): a journaled task counts only where the
# new job has the same parameters at its index. Sourced by run-all (uses check, expect_status,
# $BIN, $WORK).

force_reruns_moved_parameters() {
    local dir=$WORK/force out=$WORK/force/sweep
    mkdir -p "$dir"
    printf 'name: f\nsweep:\n  grid: {n: [32, 64, 128]}\n  repeat: 3\ntask: {shell: "echo {n}", result: stdout-last-line}\n' >"$dir/a.yaml"
    printf 'name: f\nsweep:\n  grid: {n: [16, 32, 64, 128]}\n  repeat: 3\ntask: {shell: "echo {n}", result: stdout-last-line}\n' >"$dir/b.yaml"
    expect_status 0 "$BIN" run "$dir/a.yaml" --out "$out" --quiet || return 1
    expect_status 0 "$BIN" run "$dir/b.yaml" --out "$out" --resume --force 2>"$dir/b.err" || return 1
    grep -q "9 tasks rerun: the job changed their parameters" "$dir/b.err" || { cat "$dir/b.err"; return 1; }
    python3 -c 'import json, sys; assert json.load(open(sys.argv[1]))["tasks_rerun_changed"] == 9' "$out/summary.json" || return 1
    # Each task's result is its own n: no index keeps a value of the old job.
    "$BIN" results "$out" | python3 -c '
import json, sys
lines = [json.loads(line) for line in sys.stdin]
assert [l["index"] for l in lines] == list(range(12)), lines
assert all(l.get("value") == str(l["params"]["n"]) for l in lines), lines
assert [l["params"]["n"] for l in lines] == [16] * 3 + [32] * 3 + [64] * 3 + [128] * 3, lines
' || return 1
}
check "--resume --force: a sweep with a value inserted reruns the 9 indices whose parameters moved" force_reruns_moved_parameters

force_refuses_another_block_size() {
    local dir=$WORK/force-mc out=$WORK/force-mc/out
    mkdir -p "$dir"
    printf 'name: m\nmontecarlo: {kernel: pi, paths: 400000, seed: 1, block: 100000}\n' >"$dir/a.yaml"
    printf 'name: m\nmontecarlo: {kernel: pi, paths: 400000, seed: 1, block: 50000}\n' >"$dir/b.yaml"
    expect_status 0 "$BIN" run "$dir/a.yaml" --out "$out" --quiet || return 1
    expect_status 2 "$BIN" run "$dir/b.yaml" --out "$out" --resume --force 2>"$dir/b.err" || return 1
    grep -q "results.jsonl:[0-9]*:[0-9]*: block [0-9]* of the journal starts at path [0-9]*00000 (blocks of 100000 paths).*cannot change its block size" "$dir/b.err" \
        || { cat "$dir/b.err"; return 1; }
}
check "--resume --force: a Monte Carlo job with another block: is refused (exit 2, at the journal line)" force_refuses_another_block_size

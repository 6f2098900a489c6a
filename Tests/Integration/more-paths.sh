# Where a run writes (issue 23 items 8-11, issue 24 defect 1): never outside its run
# directory, a default directory of its own per run, files replaced by several processes
# at once. Sourced by run-all.

# A quick job: four no-op kernel tasks.
paths_job() {
    printf 'name: quick\nsweep: {grid: {i: [1, 2, 3, 4]}}\ntask: {kernel: noop}\n' >"$1"
}

paths_empty_out() {
    local dir=$WORK/paths-empty bin
    bin=$(realpath "$BIN")
    mkdir -p "$dir" && paths_job "$dir/job.yaml"
    (cd "$dir" && expect_status 2 "$bin" run job.yaml --out "" 2>"$dir/err") || return 1
    grep -q -- '--out is empty' "$dir/err" || { cat "$dir/err"; return 1; }
    (cd "$dir" && expect_status 2 "$bin" scale job.yaml --ranks 1 --out "" 2>"$dir/err") || return 1
    [ ! -e /results.jsonl ] && [ ! -e /run.json ] || { echo "a run was written into /"; return 1; }
}
check "paths: an empty --out is refused (exit 2), nothing written" paths_empty_out

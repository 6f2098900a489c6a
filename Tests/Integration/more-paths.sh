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

paths_default_unique() {
    local dir=$WORK/paths-twice bin
    bin=$(realpath "$BIN")
    mkdir -p "$dir" && paths_job "$dir/job.yaml"
    for _ in 1 2 3; do
        (cd "$dir" && expect_status 0 "$bin" run job.yaml --quiet) || return 1
    done
    local made
    made=$(find "$dir/runs" -mindepth 1 -maxdepth 1 -type d -name 'quick-*' | wc -l)
    [ "$made" -eq 3 ] || { ls -la "$dir/runs"; return 1; }
}
check "paths: the same job run three times at once-a-second pace gets three default directories" paths_default_unique

paths_job_names() {
    local dir=$WORK/paths-names bin
    bin=$(realpath "$BIN")
    mkdir -p "$dir/runs"
    printf 'name: "../escaped"\ntask: {kernel: noop}\n' >"$dir/bad.yaml"
    (cd "$dir" && expect_status 2 "$bin" run bad.yaml 2>"$dir/err") || return 1
    grep -q "bad.yaml:1:7: job name '../escaped' must be letters, digits" "$dir/err" || { cat "$dir/err"; return 1; }
    [ ! -e "$dir/escaped" ] && [ -z "$(ls "$dir/runs")" ] || { echo "a directory was made for a bad name"; return 1; }
    sed 's|"project_name": "shop"|"project_name": "../../x y"|' "$HERE/dbt-shop/manifest.json" >"$dir/manifest.json"
    "$bin" import dbt "$dir/manifest.json" --project-dir "$HERE/dbt-shop" >"$dir/dbt.yaml" || return 1
    expect_status 0 "$bin" validate "$dir/dbt.yaml" || return 1
    grep -q '^name: "______x_y"$' "$dir/dbt.yaml" || { head -n 3 "$dir/dbt.yaml"; return 1; }
}
check "paths: job names that are paths are refused at path:line:col; dbt's project_name becomes a valid one" paths_job_names

paths_concurrent_report() {
    local out=$WORK/paths-report pids=() pid status=0
    paths_job "$WORK/paths-report.yaml"
    expect_status 0 "$BIN" run "$WORK/paths-report.yaml" --out "$out" --quiet || return 1
    for round in 1 2 3 4; do
        pids=()
        for _ in 1 2 3 4 5; do
            "$BIN" report "$out" >"$WORK/paths-report-$round.log" 2>&1 &
            pids+=($!)
        done
        for pid in "${pids[@]}"; do wait "$pid" || status=1; done
        [ "$status" -eq 0 ] || { echo "round $round: a report failed"; cat "$WORK/paths-report-$round.log"; return 1; }
    done
    ls "$out" | grep -q tmp && { ls "$out"; return 1; }
    return 0
}
check "paths: 5 concurrent report on one run directory all succeed (4 rounds), no temporary left" paths_concurrent_report

paths_linked_directories() {
    local dir=$WORK/paths-links out target=$WORK/paths-links/target link
    mkdir -p "$dir" "$target"
    printf 'name: linked\nsweep: {grid: {i: [1, 2]}}\ntask: {shell: "echo out-{i}"}\n' >"$dir/sweep.yaml"
    printf 'name: linked\nstages:\n  - {name: a, shell: "echo a"}\n  - {name: b, after: [a], shell: "echo b"}\n' >"$dir/stages.yaml"
    for link in logs stages stages/a; do
        out=$dir/run-${link//\//-}
        mkdir -p "$(dirname "$out/$link")"
        ln -s "$target" "$out/$link"
        local job=$dir/stages.yaml
        [ "$link" = logs ] && job=$dir/sweep.yaml
        expect_status 2 "$BIN" run "$job" --out "$out" --quiet 2>"$dir/err" || return 1
        grep -q "$out/$link: is a symbolic link" "$dir/err" || { cat "$dir/err"; return 1; }
        [ -z "$(ls "$target")" ] || { echo "$link: written into its target: $(ls "$target")"; return 1; }
    done
}
check "paths: a logs/, stages/ or stages/NAME symlink is refused (exit 2, named), its target untouched" paths_linked_directories

paths_logs_confined() {
    local out=$WORK/paths-logs
    printf 'name: confined\nsweep: {grid: {i: [1]}}\ntask: {shell: "echo hello", logs: per-task}\n' >"$WORK/paths-logs.yaml"
    expect_status 0 "$BIN" run "$WORK/paths-logs.yaml" --out "$out" --quiet || return 1
    [ "$("$BIN" logs "$out" 0)" = hello ] || return 1
    local journal=$out/results.jsonl original
    original=$(cat "$journal")
    for bad in /etc/passwd logs/../../../../../etc/passwd; do
        printf '%s\n' "$original" | sed "s|\"out\":\"[^\"]*\"|\"out\":\"$bad\"|" >"$journal"
        expect_status 2 "$BIN" logs "$out" 0 >"$WORK/paths-logs.out" 2>"$WORK/paths-logs.err" || return 1
        grep -q "lies outside the run directory" "$WORK/paths-logs.err" || { cat "$WORK/paths-logs.err"; return 1; }
        ! grep -q root "$WORK/paths-logs.out" || { echo "printed /etc/passwd"; return 1; }
    done
}
check "paths: mpibatch logs reads a journal's log path only inside the run directory" paths_logs_confined

# Numbers out of range (issue 23, item 16): an option is refused (exit 2, naming it) before
# any file is created, and a run's files read back hold no number that kills a reader with
# SIGILL. Sourced by run-all (uses check, expect_status, $BIN, $WORK).

options_out_of_range_create_nothing() {
    local option out
    for option in "--heartbeat-timeout 1e20" "--grace 1e20" "--deadline 1e20s"; do
        out=$WORK/bounds-option
        rm -rf "$out"
        # shellcheck disable=SC2086 # the option and its value, two words
        expect_status 2 "$BIN" run jobs/spin.yaml --out "$out" $option 2>"$WORK/bounds.err" || return 1
        grep -q -- "${option%% *}" "$WORK/bounds.err" || { cat "$WORK/bounds.err"; return 1; }
        [ ! -e "$out" ] || { echo "$option: $out was created"; ls -la "$out"; return 1; }
    done
}
check "bounds: --heartbeat-timeout, --grace, --deadline 1e20: exit 2 naming the option, nothing created" options_out_of_range_create_nothing

report_of_huge_figures() {
    local out=$WORK/bounds-report
    printf 'name: bounds\nsweep: {grid: {n: [1, 2, 3]}}\ntask: {kernel: noop}\n' >"$WORK/bounds.yaml"
    expect_status 0 "$BIN" run "$WORK/bounds.yaml" --out "$out" --quiet || return 1
    python3 - "$out/summary.json" <<'PY' || return 1
import json, sys
summary = json.load(open(sys.argv[1]))
summary["wall_seconds"] = 1e19
summary["task_seconds"] = 1e308
json.dump(summary, open(sys.argv[1], "w"))
PY
    expect_status 0 "$BIN" report "$out" >"$WORK/bounds-report.txt" || return 1
    grep -q "wall 1e+19 s" "$WORK/bounds-report.txt" || { cat "$WORK/bounds-report.txt"; return 1; }
    # A journal line whose time is infinite is refused at its line and column, not a crash.
    sed -i '1s/"seconds":[0-9.]*/"seconds":1e999/' "$out/results.jsonl"
    expect_status 2 "$BIN" report "$out" 2>"$WORK/bounds-report.err" || return 1
    grep -q 'results.jsonl:1:[0-9]*: "seconds" is out of range' "$WORK/bounds-report.err" || { cat "$WORK/bounds-report.err"; return 1; }
}
check "bounds: report of a summary with wall_seconds 1e19 prints it; a journal time of 1e999 is refused at its place" report_of_huge_figures

run_time_table_over_max_tasks_is_not_held() {
    local dir=$WORK/bounds-table out=$WORK/bounds-table/out
    mkdir -p "$dir"
    cat >"$dir/job.yaml" <<'YAML'
name: big-table
stages:
  - name: gen
    shell: "seq 1 1000000 | awk 'BEGIN {{print \"x,label\"}} {{print $1 \",label-number-\" $1}}' > cases.csv"
  - name: fan
    after: [gen]
    sweep: {table: "{stages.gen.dir}/cases.csv", types: {x: integer, label: text}, max_tasks: 1000}
    task: {kernel: noop}
YAML
    expect_status 1 /usr/bin/time -v "$BIN" run "$dir/job.yaml" --out "$out" 2>"$dir/time.txt" || { tail -20 "$dir/time.txt"; return 1; }
    grep -q "more rows than the stage's max_tasks of 1000" "$dir/time.txt" || { grep -v '^\s' "$dir/time.txt" | tail; return 1; }
    local size rss
    size=$(stat -c %s "$out/stages/gen/cases.csv")
    rss=$(awk '/Maximum resident set size/ {print $6}' "$dir/time.txt")
    echo "measured: a ${size}-byte table of 1,000,000 rows over max_tasks: 1000: peak RSS ${rss} KiB"
    [ "$rss" -lt 200000 ] || { echo "peak RSS ${rss} KiB"; return 1; }
}
check "bounds: a run-time table of 10^6 rows over max_tasks: is refused without being held (peak RSS)" run_time_table_over_max_tasks_is_not_held

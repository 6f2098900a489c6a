# Sourced by run-all: what the CLI says is true and safe to print (issue 23 items 17-19,
# issue 24 item 5). Uses run-all's check, expect_status, $BIN and $WORK.

# A run's summary on stderr: task text shown, never obeyed; failures grouped in a few lines.
messages_summary_is_quiet_and_inert() {
    local dir=$WORK/msg-summary
    mkdir -p "$dir"
    cat >"$dir/noisy.yaml" <<'YAML'
name: noisy
sweep: {grid: {n: [1, 2, 3]}}
task:
  shell: "for i in $(seq 500); do echo line $i >&2; done; printf '\\033[2J\\033]0;pwn\\007 boom\\n' >&2; exit 1"
YAML
    expect_status 1 "$BIN" run "$dir/noisy.yaml" --out "$dir/out" 2>"$dir/stderr.txt" || return 1
    cat "$dir/stderr.txt"
    ! grep -q $'\033' "$dir/stderr.txt" || { echo "an escape sequence reached the terminal"; return 1; }
    [ "$(wc -l <"$dir/stderr.txt")" -le 8 ] || { echo "the summary is $(wc -l <"$dir/stderr.txt") lines long"; return 1; }
    grep -qF "3 tasks failed: " "$dir/stderr.txt" && grep -qF "mpibatch logs $dir/out --failed" "$dir/stderr.txt"
}
check "messages: a summary groups alike failures in one line and shows escape sequences instead of obeying them" messages_summary_is_quiet_and_inert

# A report page that cannot be written is not announced, and its error names the file once.
messages_no_report_line_for_an_unwritten_page() {
    local dir=$WORK/msg-report
    mkdir -p "$dir/out/report.html/in-the-way"
    printf 'name: t\nsweep: {grid: {n: [1, 2]}}\ntask: {kernel: noop}\n' >"$dir/job.yaml"
    expect_status 0 "$BIN" run "$dir/job.yaml" --out "$dir/out" 2>"$dir/stderr.txt" || return 1
    cat "$dir/stderr.txt"
    grep -qF "report: " "$dir/stderr.txt" && { echo "announces a report it did not write"; return 1; }
    grep -qxF "mpibatch: timeline or report page not written: $dir/out/report.html: rename: Is a directory" "$dir/stderr.txt"
}
check "messages: a report page that could not be written is not announced, and its path is named once" messages_no_report_line_for_an_unwritten_page

# logs --failed says a timeout is one; results --status lists the names it takes; --csv-safe.
messages_logs_and_results() {
    local dir=$WORK/msg-results
    mkdir -p "$dir"
    cat >"$dir/job.yaml" <<'YAML'
name: cells
sweep: {grid: {n: [1, 2]}}
task: {shell: "if [ {n} = 2 ]; then sleep 5; fi; echo \"=cmd|' /C calc'!A0\"", result: stdout-last-line, timeout: 1s}
YAML
    expect_status 1 "$BIN" run "$dir/job.yaml" --out "$dir/out" --quiet || return 1
    "$BIN" logs "$dir/out" --failed >"$dir/failed.txt" || return 1
    cat "$dir/failed.txt"
    grep -q '^== task 1: timed out after 1.0 s (attempt 1, rank 0) ==$' "$dir/failed.txt" || return 1
    expect_status 2 "$BIN" results "$dir/out" --status bad 2>"$dir/status.txt"
    cat "$dir/status.txt"
    grep -qF "'ok', 'failed', 'timeout', 'interrupted' or 'cancelled'" "$dir/status.txt" || return 1
    "$BIN" results "$dir/out" --format csv | grep -qF ",=cmd|' /C calc'!A0," || { echo "plain csv changed the cell"; return 1; }
    "$BIN" results "$dir/out" --format csv --csv-safe | grep -qF ",'=cmd|' /C calc'!A0," || { echo "--csv-safe did not guard the cell"; return 1; }
}
check "messages: logs --failed names a timeout, results --status lists its names, --csv-safe guards formulas" messages_logs_and_results

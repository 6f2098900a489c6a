# The README's quick start, run as written, and the commands in jobs/ comments (issue 24,
# traps 1-3). Sourced by run-all: uses its check/expect_status helpers and $BIN, $WORK,
# $MPIRUN, $HERE. Functions are prefixed qs_.

# qs_quickstart_lines: the commands of the README block that follows the quick start's
# marker comment, one per line, as they are written there.
qs_quickstart_lines() {
    awk '/<!-- quickstart: /{ marked = 1; next }
         marked && /^```/ { if (inside) exit; inside = 1; next }
         inside && NF' README.md
}

# The quick start's commands, each as written, from the project root: only its install
# prefix (~/.local) and its run directories (runs/) are moved into this test's directory.
# Every command exits 0 except the one the reader interrupts with Ctrl-C (here SIGINT once
# a task has finished), which exits 3; its --resume then completes the 9 tasks. The lines
# run one after another as in one terminal: `export` and `.` lines in this function's own
# subshell, so that what they set holds for the lines after them (and not beyond the check).
qs_quickstart() (
    local prefix="$WORK/qs-prefix" runs="$WORK/qs-runs" line command pid status count=0
    [ "$(qs_quickstart_lines | wc -l)" -ge 8 ] || { echo "no quick start block in README.md"; return 1; }
    grep -q 'make install PREFIX=~/.local' <(qs_quickstart_lines) || { echo "the quick start does not install"; return 1; }
    while IFS= read -r line; do
        command=${line//\~\/.local/$prefix}
        command=${command//runs\//$runs\/}
        echo "\$ $line"
        if [[ "$line" == "export "* || "$line" == ". "* ]]; then
            eval "$command" || { echo "failed: $line"; return 1; }
        elif [[ "$line" == *Ctrl-C* ]]; then
            bash -c "exec $command" </dev/null &
            pid=$!
            qs_wait_for_results "$(qs_out_of "$command")" || { kill -INT $pid; wait $pid; return 1; }
            kill -INT $pid
            wait $pid
            status=$?
            [ $status -eq 3 ] || { echo "interrupted run: exit status $status, wanted 3"; return 1; }
        else
            timeout 600 bash -c "$command" </dev/null >"$WORK/qs-out.txt" 2>&1
            status=$?
            cat "$WORK/qs-out.txt"
            [ $status -eq 0 ] || { echo "exit status $status, wanted 0"; return 1; }
            qs_expect_output "$line" "$WORK/qs-out.txt" || return 1
        fi
        count=$((count + 1))
    done < <(qs_quickstart_lines)
    [ -x "$prefix/bin/mpibatch" ] || { echo "make install put nothing in $prefix/bin"; return 1; }
    local out
    for out in heat heat-mpi; do
        "$HERE/check_results.py" "$runs/$out" 9 || { echo "in $out"; return 1; }
    done
    # The resumed run (whose per-rank figures are its last part's): every task once, ok.
    [ "$("$prefix/bin/mpibatch" results "$runs/heat-2" --format csv | grep -c '^[0-9]*,ok,')" -eq 9 ] ||
        { "$prefix/bin/mpibatch" results "$runs/heat-2" --format csv; return 1; }
    [ "$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["parts"]))' "$runs/heat-2/summary.json")" = 2 ] ||
        { echo "heat-2 was not interrupted and resumed"; return 1; }
    echo "measured: $count quick start commands ran as written"
)

# qs_out_of COMMAND: the --out directory of a run command.
qs_out_of() { sed -E 's/.*--out ([^ ]+).*/\1/' <<<"$1"; }

# qs_wait_for_results OUT: waits (at most 120 s) until a task of the run in OUT has finished.
qs_wait_for_results() {
    local waited=0
    until [ -s "$1/results.jsonl" ]; do
        sleep 0.2
        waited=$((waited + 1))
        [ $waited -lt 600 ] || { echo "no result in $1 after 120 s"; return 1; }
    done
}

# qs_expect_output LINE FILE: what the quick start says its commands print.
qs_expect_output() {
    case "$1" in
        *"results "*"--format csv"*)
            head -n 1 "$2" | grep -q '^index,status,.*params.alpha,params.cells,value.peak,value.mean,value.steps' &&
                [ "$(grep -c ',ok,' "$2")" -eq 9 ] || { echo "not the 9-task CSV"; return 1; } ;;
        *"logs "*)
            grep -q '"peak"' "$2" || { echo "logs printed no JSON"; return 1; } ;;
        *validate*)
            grep -q '9 tasks' "$2" || { echo "validate did not count 9 tasks"; return 1; } ;;
    esac
}

# A job's tasks run in the job file's directory: `python3 heat.py` beside heat.yaml,
# swept over its 3 x 3 grid from another directory, gives 9 of 9 ok, and the values
# are heat.py's JSON.
qs_from_another_directory() {
    local root elsewhere="$WORK/qs-elsewhere" bin
    root=$(pwd)
    bin=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
    mkdir -p "$elsewhere"
    (cd "$elsewhere" && expect_status 0 "$bin" run "$root/jobs/quickstart/heat.yaml" --out heat --quiet) || return 1
    "$HERE/check_results.py" "$elsewhere/heat" 9 || return 1
    [ "$("$bin" results "$elsewhere/heat" --format csv | grep -c ',ok,.*,[0-9.]*,[0-9.]*,[0-9]*')" -eq 9 ] ||
        { "$bin" results "$elsewhere/heat" --format csv; return 1; }
}

# Every command in jobs/ comments (a comment line that starts with `mpibatch`, `mpirun`,
# `.build/release/mpibatch` or `cc`, a build step; `sbatch` lines are the Slurm checks' business) works from the
# project root as written, with `mpibatch` the binary under test and mpirun allowed to
# oversubscribe; runs go to this test's directory (`--out` added where none is given).
qs_jobs_comments() {
    local line command n=0 bad=0 bindir
    bindir=$(cd "$(dirname "$BIN")" && pwd)
    while IFS= read -r line; do
        command=$(sed -E 's/^#[[:space:]]*//' <<<"$line")
        command=${command//.build\/release\/mpibatch/mpibatch}
        command=${command/#mpirun /${MPIRUN[*]} }
        command=${command//runs\//$WORK/qs-jobs-runs\/}
        [[ "$command" == *" run "* && "$command" != *--out* ]] && command+=" --out $WORK/qs-jobs-$n"
        n=$((n + 1))
        echo "\$ $command"
        PATH="$bindir:$PATH" timeout 300 bash -c "$command" </dev/null >"$WORK/qs-jobs.txt" 2>&1 ||
            { echo "FAILED: $line"; tail -n 5 "$WORK/qs-jobs.txt"; bad=1; }
    done < <(grep -hE '^#[[:space:]]+(mpirun|mpibatch|\.build/release/mpibatch|cc) ' jobs/*.yaml jobs/*.txt jobs/*/*.yaml)
    [ $n -ge 10 ] || { echo "only $n commands found in jobs/ comments"; return 1; }
    echo "measured: $n commands from jobs/ comments"
    [ $bad -eq 0 ]
}

# Every file under jobs/ that the README and docs/ name exists (the README once sent
# readers to a jobs/sweep.yaml there was not).
qs_named_jobs_exist() {
    local path missing=0
    for path in $(grep -ohE 'jobs/[A-Za-z0-9_./-]+\.(yaml|yml|json|txt|py|csv)' README.md docs/*.md | sort -u); do
        [ -e "$path" ] || { echo "named but missing: $path"; missing=1; }
    done
    [ $missing -eq 0 ]
}

check "quick start: the README's commands run as written (install, run, results, logs, Ctrl-C, --resume, mpirun)" qs_quickstart
check "quick start: python3 heat.py beside the job file, 3 x 3 grid, run from another directory: 9/9 ok" qs_from_another_directory
check "quick start: every command in jobs/ comments runs as written" qs_jobs_comments
check "quick start: every jobs/ file the README and docs/ name exists" qs_named_jobs_exist

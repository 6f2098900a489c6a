# The quick start's job run from elsewhere, and the commands in jobs/ comments (issue 24,
# traps 1-3). Sourced by run-all: uses its check/expect_status helpers and $BIN, $WORK,
# $MPIRUN, $HERE. Functions are prefixed qs_.

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

# Every command in jobs/ comments (a comment line that starts with `mpibatch`, `mpirun` or
# `.build/release/mpibatch`; `sbatch` lines are the Slurm checks' business) works from the
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
    done < <(grep -hE '^#[[:space:]]+(mpirun|mpibatch|\.build/release/mpibatch) ' jobs/*.yaml jobs/*.txt jobs/*/*.yaml)
    [ $n -ge 10 ] || { echo "only $n commands found in jobs/ comments"; return 1; }
    echo "measured: $n commands from jobs/ comments"
    [ $bad -eq 0 ]
}

check "quick start: python3 heat.py beside the job file, 3 x 3 grid, run from another directory: 9/9 ok" qs_from_another_directory
check "quick start: every command in jobs/ comments runs as written" qs_jobs_comments

# Parameter sweeps and command tasks (issue 3's acceptance), sourced by run-all:
# uses its check/expect_status helpers and $BIN, $WORK, $MPIRUN, $HERE.
# Functions are prefixed sw_ so they do not clash with other more-*.sh files.

# mpirun -np 3 on the example command sweep: every grid point once, each value
# captured (python3 echoes its argv back as JSON) and listed with its params.
sw_command_sweep() {
    local out="$WORK/sw-command-sweep"
    expect_status 0 "${MPIRUN[@]}" -np 3 "$BIN" run jobs/command-sweep.yaml --out "$out" || return 1
    "$HERE/check_results.py" "$out" 15 --ranks 3 || return 1
    python3 - "$out" <<'EOF'
import itertools, json, sys
lines = [json.loads(l) for l in open(sys.argv[1] + "/results.jsonl")]
assert len(lines) == 15, len(lines)
grid = {(n, p) for n, p in itertools.product([10, 20, 30, 40, 50], [0.1, 0.5, 0.9])}
seen, seeds = set(), set()
for line in lines:
    params, value = line["params"], line.get("value")
    assert isinstance(value, dict), line
    assert value["n"] == params["n"] and value["p"] == params["p"], line
    assert abs(value["mean"] - params["n"] * params["p"]) < 1e-9, line
    seen.add((params["n"], params["p"]))
    seeds.add(value["seed"])
assert seen == grid, sorted(grid - seen)
assert len(seeds) == 15, "per-task {seed} values are not distinct"
EOF
}
check "sweep: mpirun -np 3 command-sweep: every grid point once, value and params captured" sw_command_sweep

# A plain task file of 1000 commands (with comments and blank lines, which are
# skipped) under mpirun -np 2: every line's stdout is captured, read for all 1000 the way
# `mpibatch logs` reads it (logs_check.py), and through `mpibatch logs DIR INDEX` itself for
# the first, the last and 23 at random (a thousand runs of the command took 15 s of CI).
sw_task_file() {
    local file="$WORK/sw-tasks.txt" out="$WORK/sw-task-file"
    {
        echo "# a TACC-launcher / disBatch style task file"
        for i in $(seq 0 999); do
            echo "echo line-$i \$((6 * 7))"
            [ $((i % 250)) -eq 0 ] && printf '\n# comment after %d\n' "$i"
        done
    } >"$file"
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$file" --out "$out" --quiet || return 1
    "$HERE/check_results.py" "$out" 1000 --ranks 2 || return 1
    PYTHONPATH="$HERE" python3 - "$out" <<'PY' || return 1
import sys, logs_check
outputs = logs_check.outputs(sys.argv[1])
wrong = [i for i in range(1000) if outputs.get(i) != (f"line-{i} 42\n".encode(), b"")]
assert not wrong, f"{len(wrong)} tasks' output is not their line's, first {wrong[0]}: {outputs.get(wrong[0])!r}"
PY
    local i
    for i in 0 999 $(shuf -i 1-998 -n 23); do
        [ "$("$BIN" logs "$out" "$i" --stdout)" = "line-$i 42" ] || { echo "logs $i: $("$BIN" logs "$out" "$i" 2>&1 | head -c 200)"; return 1; }
    done
}
check "sweep: 1000-line task file under mpirun -np 2, every line's output captured" sw_task_file

# Hostile values reach the program byte for byte through command: (argv) and,
# quoted, through shell:; no file `pwned` is created anywhere. python3 echoes
# its argv[1] back as JSON, captured with result: stdout-json.
sw_injection() {
    local dir="$WORK/sw-inject" bin form
    bin=$(realpath "$BIN")
    mkdir -p "$dir"
    for form in argv shell; do
        cp "$HERE/sweep-injection-$form.yaml" "$dir/$form.yaml"
        # Run from inside $dir, so a successful injection would create $dir/pwned.
        (cd "$dir" && expect_status 0 "${MPIRUN[@]}" -np 2 "$bin" run "$form.yaml" --out "$dir/$form") || return 1
        python3 - "$dir/$form" "$form" <<'EOF' || return 1
import json, sys
expected = ["$(touch pwned)", '"; touch pwned; "', "`touch pwned`", "'; touch pwned; '",
            "a b\tc", "line1\nline2; touch pwned", "$HOME", "{index}", "-n", "*", "\\", "!!", "EOF", "'", '"']
form = sys.argv[2]
lines = [json.loads(l) for l in open(sys.argv[1] + "/results.jsonl")]
assert sorted(l["params"]["v"] for l in lines) == sorted(expected), [l["params"] for l in lines]
for line in lines:
    assert line["status"] == "ok", line
    # The program's argv[1] must be the parameter's value, unchanged.
    assert line.get("value") == {"form": form, "arg": line["params"]["v"]}, (line.get("value"), line["params"])
EOF
    done
    local found
    # The tasks ran in $dir (under $WORK): an injection that ran would have made pwned there, or
    # in the project or /tmp if a task ran elsewhere (a walk of all /tmp took a minute or more).
    found=$( (find "$WORK" -maxdepth 3 -name pwned; ls -d "$PWD/pwned" /tmp/pwned) 2>/dev/null | head -n 5)
    [ -z "$found" ] || { echo "injection created: $found"; return 1; }
}
check "sweep: injection values reach argv unchanged and shell: unquoted, in quotes and heredocs; no pwned file" sw_injection

# A command that sleeps forever with a child: the whole process group is
# killed at the timeout, recorded as status timeout; the other tasks succeed.
sw_timeout() {
    local out="$WORK/sw-timeout"
    # The job's sleeps use this odd length so that pgrep finds only ours.
    expect_status 1 "${MPIRUN[@]}" -np 2 "$BIN" run "$HERE/sweep-timeout.yaml" --out "$out" || return 1
    python3 - "$out" <<'EOF' || return 1
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1] + "/results.jsonl")]
by_index = {}
for line in lines:
    by_index.setdefault(line["index"], []).append(line)
assert sorted(by_index) == list(range(6)), sorted(by_index)
for index, attempts in by_index.items():
    last = attempts[-1]
    if index == 2:
        assert [a["status"] for a in attempts] == ["timeout"], attempts
        assert last["seconds"] < 10, last
    else:
        assert last["status"] == "ok", last
summary = json.load(open(sys.argv[1] + "/summary.json"))
assert summary["tasks_succeeded"] == 5 and summary["tasks_failed"] == 1, summary
EOF
    sleep 1  # the SIGKILL after the grace period has been sent before run returns; let the kernel reap
    if pgrep -f 'sleep 7654321' >/dev/null; then
        echo "left behind:"
        pgrep -af 'sleep 7654321'
        pkill -f 'sleep 7654321'
        return 1
    fi
}
check "sweep: timeout kills the process group (child too), status timeout, run goes on" sw_timeout

# validate and plan exit 0 on every example job.
sw_examples_validate() {
    local job status=0
    for job in jobs/*.yaml jobs/*.json jobs/*.txt; do
        [ -e "$job" ] || continue
        "$BIN" validate "$job" >/dev/null || { echo "validate $job failed"; status=1; }
        "$BIN" plan "$job" >/dev/null || { echo "plan $job failed"; status=1; }
    done
    return $status
}
check "sweep: validate and plan exit 0 on every example in jobs/" sw_examples_validate

# plan of a 10^9-point grid (1000^3) answers at once: < 1 s and < 50 MB.
sw_plan_billion() {
    command -v /usr/bin/time >/dev/null || apt-get install -y time >/dev/null 2>&1 || true
    [ -x /usr/bin/time ] || { echo "/usr/bin/time missing (apt-get install time)"; return 1; }
    "$BIN" plan "$HERE/sweep-billion.yaml" >"$WORK/sw-billion.plan" || return 1
    grep -q "tasks: 1000000000" "$WORK/sw-billion.plan" || { cat "$WORK/sw-billion.plan"; return 1; }
    /usr/bin/time -f "%e %M" -o "$WORK/sw-billion.time" "$BIN" plan "$HERE/sweep-billion.yaml" >/dev/null || return 1
    local seconds kib
    read -r seconds kib <"$WORK/sw-billion.time"
    echo "plan of 10^9 tasks: $seconds s, $((kib / 1024)) MB max RSS"
    awk -v s="$seconds" -v k="$kib" 'BEGIN { exit !(s < 1.0 && k < 50 * 1024) }'
}
check "sweep: plan of a 10^9-point grid in < 1 s and < 50 MB" sw_plan_billion

# Bad values never run: a missing absolute program is a validate error (exit 2).
sw_missing_program() {
    printf 'name: nope\nsweep: {grid: {i: [1, 2]}}\ntask: {command: [/no/such/program, "{i}"]}\n' >"$WORK/sw-nope.yaml"
    expect_status 2 "$BIN" validate "$WORK/sw-nope.yaml" 2>"$WORK/sw-nope.err" || return 1
    grep -q "sw-nope.yaml:[0-9]*:[0-9]*:" "$WORK/sw-nope.err"
}
check "sweep: missing program with a path: validate error with path:line:col, exit 2" sw_missing_program

# A command that is itself an MPI program, under mpirun -np 2: it must start as
# a singleton (rank 0 of 1), not take its rank's mpirun identity from the
# environment, fail in MPI_Init and leave mpirun hanging.
sw_mpi_program_task() {
    local dir="$WORK/sw-mpi-task"
    mpi_task_job "$dir" || return 1
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/job.yaml" --out "$dir/out" --quiet || return 1
    ran_as_singletons "$dir/out" 2
}
check "sweep: an MPI program as a command task under mpirun starts as a singleton" sw_mpi_program_task

# Task files and command tasks the way cluster users write them (issue 12): disBatch
# directives, bash, task identity, multi-core tasks. Sourced by run-all: uses its
# check/expect_status helpers and $BIN, $WORK, $MPIRUN, $HERE. Functions are prefixed tk_.

# A disBatch-style task file with PREFIX, SUFFIX and REPEAT under mpirun -np 2: every
# expanded command ran exactly once with the right text; bash-only lines behave as in bash.
tk_disbatch_file() {
    local dir="$WORK/tk-disbatch" out="$WORK/tk-disbatch/run"
    mkdir -p "$dir/marks"
    cat >"$dir/tasks.txt" <<TASKS
# a disBatch task file (the trailing space after PREFIX matters, as in disBatch)
#DISBATCH PREFIX ( cd $dir/marks ; 
#DISBATCH SUFFIX  ) >> $dir/marks/ran-\${DISBATCH_TASKID}.txt
echo "plain {index} line \$DISBATCH_STREAM_INDEX"
#DISBATCH REPEAT 4 start 10 step 5 echo "rep \$DISBATCH_REPEAT_INDEX"
#DISBATCH PREFIX 
#DISBATCH SUFFIX 
cd $dir/marks && echo amp &> amp.txt && [[ -s amp.txt ]] && echo bash >> ran-{index}.txt
#DISBATCH REPEAT 2 cd $dir/marks && echo "bare \$DISBATCH_REPEAT_INDEX id \$MPIBATCH_INDEX" >> ran-\$MPIBATCH_INDEX.txt
TASKS
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/tasks.txt" --out "$out" --slots 2 || return 1
    "$HERE/check_results.py" "$out" 8 || return 1
    python3 - "$dir/marks" <<'PY'
import os, sys
d = sys.argv[1]
want = {0: "plain 0 line 4", 1: "rep 10", 2: "rep 15", 3: "rep 20", 4: "rep 25", 5: "bash", 6: "bare 0 id 6", 7: "bare 1 id 7"}
got = {int(n[4:-4]): open(os.path.join(d, n)).read() for n in os.listdir(d) if n.startswith("ran-")}
for i, text in want.items():
    assert got.get(i) == text + "\n", (i, got.get(i))   # ran once (appended: twice would show), right text
assert set(got) == set(want), sorted(got)
assert open(os.path.join(d, "amp.txt")).read() == "amp\n", "&> did not redirect as in bash"
PY
}
check "tasks: disBatch PREFIX/SUFFIX/REPEAT file under mpirun -np 2: every command once, bash syntax" tk_disbatch_file

# Bad directives: exit 2, one path:line:col per problem, nothing run.
tk_bad_directives() {
    local file="$WORK/tk-bad.txt"
    printf 'echo ok\n#DISBATCH REPEAT -3 echo x\n#DISBATCH BARRIER\n#DISBATCH SHUFFLE\n#MPIBATCH cores=x\n' >"$file"
    expect_status 2 "$BIN" validate "$file" 2>"$WORK/tk-bad.err" || return 1
    [ "$(grep -c "^$file:[0-9]*:[0-9]*: " "$WORK/tk-bad.err")" -eq 4 ] || { cat "$WORK/tk-bad.err"; return 1; }
    grep -q "tk-bad.txt:2:18: REPEAT's count" "$WORK/tk-bad.err" || return 1
    expect_status 2 "$BIN" run "$file" --out "$WORK/tk-bad-run" 2>/dev/null && [ ! -e "$WORK/tk-bad-run" ]
}
check "tasks: bad #DISBATCH/#MPIBATCH directives: exit 2 at path:line:col, each one, nothing run" tk_bad_directives

# cores: 2 and cores: 1 tasks on 2 ranks x 2 slots: never more than 2 cores' worth per
# rank at once (from the journal's start, seconds, rank), OMP_NUM_THREADS set, all finish.
tk_cores_pack() {
    local out="$WORK/tk-cores"
    cat >"$WORK/tk-cores.yaml" <<'JOB'
name: cores
sweep:
  grid:
    c: [2, 1, 1, 2, 1, 2, 1, 1, 2, 2, 1, 1, 1, 2, 1, 1]
task:
  shell: 'test "${{OMP_NUM_THREADS:-1}}" = {c} && sleep 0.15'
  cores: "{c}"
JOB
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/tk-cores.yaml" --out "$out" --slots 2 --chunk dynamic || return 1
    "$HERE/check_results.py" "$out" 16 || return 1
    python3 - "$out" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1] + "/results.jsonl")]
assert all(l["status"] == "ok" for l in lines), [l for l in lines if l["status"] != "ok"]
for rank in {l["rank"] for l in lines}:
    events = []
    for l in lines:
        if l["rank"] == rank:
            events += [(l["start"], 1, l["params"]["c"]), (l["start"] + l["seconds"], 0, -l["params"]["c"])]
    busy = peak = 0
    for _, _, delta in sorted(events):   # ends sort before starts at the same instant
        busy += delta
        peak = max(peak, busy)
    assert peak <= 2, f"rank {rank} ran {peak} cores at once"
s = json.load(open(sys.argv[1] + "/summary.json"))
assert s["task_seconds_weighted_by_cores"] is True
core_seconds = sum(l["seconds"] * l["params"]["c"] for l in lines)
assert abs(s["task_seconds"] - core_seconds) < 1e-6, (s["task_seconds"], core_seconds)
PY
}
check "tasks: cores: 2 and cores: 1 on 2 ranks x 2 slots: at most 2 cores per rank at once, core-seconds" tk_cores_pack

# A task wider than a rank: exit 2 before any work, naming the file, line and rank.
tk_cores_too_wide() {
    printf 'task:\n  kernel: noop\n  cores: 3\n' >"$WORK/tk-wide.yaml"
    expect_status 2 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/tk-wide.yaml" --out "$WORK/tk-wide" --slots 2 2>"$WORK/tk-wide.err" || return 1
    grep -q "tk-wide.yaml:3:10: a task of cores: 3 needs 3 slots of one rank, but rank 0 has 2" "$WORK/tk-wide.err" || { cat "$WORK/tk-wide.err"; return 1; }
    [ ! -e "$WORK/tk-wide/results.jsonl" ]
}
check "tasks: cores larger than a rank's slots: exit 2 before work, path:line:col and rank" tk_cores_too_wide

tk_version() { "$BIN" --version | grep -Eq '^mpibatch [0-9]+\.[0-9]+\.[0-9]+$'; }
check "tasks: mpibatch --version" tk_version

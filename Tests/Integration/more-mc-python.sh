# Monte Carlo over users' own models (issue 28): python: and worker: block models,
# calls: path models with seed_as:, the float64 values, bad blocks, --only-path, the same
# bits at any rank count, chunk policy, kill -9 and --resume. Sourced by run-all: uses its
# check/expect_status helpers and $BIN, $WORK, $MPIRUN, $HERE. Functions are prefixed mp_.

# mp_dir NAME: a fresh directory under $WORK with the test models beside the job files.
mp_dir() {
    local dir="$WORK/mp-$1"
    rm -rf "$dir"
    mkdir -p "$dir"
    cp "$HERE/mc_models.py" "$HERE/mc_raw_worker.py" "$dir/"
    echo "$dir"
}

# mp_job DIR NAME BODY: writes DIR/NAME.yaml, a montecarlo: job whose section is BODY.
mp_job() {
    printf 'name: %s\nmontecarlo:\n%s\n' "$2" "$3" >"$1/$2.yaml"
}

# mp_raw_job DIR NAME ARGUMENTS PATHS BLOCK: DIR/NAME.yaml, a block model run by mc_raw_worker.py
# (ARGUMENTS: ", shared" and so on, after its name in the command), seed 99.
mp_raw_job() {
    mp_job "$1" "$2" "  worker: {command: [python3, mc_raw_worker.py$3]}
  cwd: .
  params: {s0: 42, k: 40, sigma: 0.2}
  paths: $4
  seed: 99
  block: $5"
}

# mp_figures OUT: summary.json's Monte Carlo figures, exactly (repr of each float).
mp_figures() {
    python3 -c "
import json, sys
s = json.load(open(sys.argv[1] + '/summary.json'))
for key in ('paths', 'estimate', 'stderr', 'ci95_low', 'ci95_high', 'min', 'max', 'blocks', 'blocks_total', 'target_met'):
    print(key, repr(s.get(key)))" "$1"
}

# mp_same FIRST OUT: OUT's figures are FIRST's, bit for bit.
mp_same() {
    mp_figures "$2" >"$2.figures" || return 1
    cmp -s "$1" "$2.figures" || { echo "$2 differs:"; diff "$1" "$2.figures"; return 1; }
}

mp_model_body='  python: "mc_models:payoff"
  params: {s0: 42, k: 40, sigma: 0.2}
  paths: 400000
  seed: 2024
  block: 5000
  target: {stderr: 0.012}'

# The same bits (estimate, stderr, interval, paths, the target's stop) at np=1, 2, 3
# (oversubscribed), every chunk policy and slot count; the target stops short of the cap.
mp_reproducible() {
    local dir first config np chunk slots out
    dir=$(mp_dir repro)
    mp_job "$dir" repro "$mp_model_body"
    for config in "1 auto -" "1 static 2" "2 auto -" "2 guided -" "2 dynamic 1" "3 auto -" "3 static -"; do
        read -r np chunk slots <<<"$config"
        out="$dir/np$np-$chunk-$slots"
        local extra=()
        [ "$slots" = - ] || extra=(--slots "$slots")
        expect_status 0 "${MPIRUN[@]}" -np "$np" "$BIN" run "$dir/repro.yaml" --out "$out" --chunk "$chunk" "${extra[@]}" --quiet || return 1
        if [ -z "${first:-}" ]; then
            first="$out.figures"
            mp_figures "$out" >"$first"
            cat "$first"
            python3 -c "
import json; s = json.load(open('$out/summary.json'))
assert s['target_met'] is True and s['paths'] < 400000 and s['paths'] % 5000 == 0, s" || return 1
        else
            mp_same "$first" "$out" || return 1
        fi
    done
}
check "montecarlo python: np=1,2,3 x chunk policies x slots: the same bits, the target stops at the same block" mp_reproducible

# The values are numpy's: a plain loop over the same blocks, with the documented Philox
# key and counter, gives every path's value (paths_out:) bit for bit; a worker: written
# from the protocol document alone gives the same figures as python:.
mp_streams() {
    local dir
    dir=$(mp_dir streams)
    mp_job "$dir" streams '  python: "mc_models:payoff"
  params: {s0: 42, k: 40, sigma: 0.2}
  paths: 10000
  seed: 99
  block: 3000
  paths_out: paths'
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/streams.yaml" --out "$dir/out" --quiet || return 1
    python3 - "$dir" <<'PY' || return 1
import csv, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from mc_models import payoff
seen = {}
for block in range(4):
    with open("%s/out/paths/block-%d.csv" % (sys.argv[1], block)) as rows:
        seen.update((int(row["path"]), float(row["value"])) for row in csv.DictReader(rows))
expected = np.concatenate([
    payoff(np.random.Generator(np.random.Philox(key=[99, 0], counter=[0, 0, b, 0])), min(3000, 10000 - 3000 * b), 42, 40, 0.2)
    for b in range(4)])
assert sorted(seen) == list(range(10000)), len(seen)
assert all(seen[i] == expected[i] for i in range(10000)), "path values differ from the plain loop"
PY
    mp_raw_job "$dir" raw "" 10000 3000
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/raw.yaml" --out "$dir/raw" --quiet || return 1
    # A worker that says nothing of its environment still works; nothing is recorded for it.
    python3 -c 'import json, sys; assert all("environment" not in p for p in json.load(open(sys.argv[1]))["parts"])' "$dir/raw/run.json" || return 1
    mp_figures "$dir/out" >"$dir/out.figures"
    mp_same "$dir/out.figures" "$dir/raw" || return 1
    # The same worker leaving its blocks in hello's shared memory (docs/worker-protocol.md, item 9).
    mp_raw_job "$dir" shared ", shared" 10000 3000
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/shared.yaml" --out "$dir/shared" --quiet || return 1
    mp_same "$dir/out.figures" "$dir/shared"
}
check "montecarlo python: path values are numpy's Philox(key=[seed,0], counter=[0,0,block,0]); a raw worker: gives the same bits, by the socket or shared memory" mp_streams

# A worker that says a block lies past the end of its shared memory breaks the protocol: the
# block fails by name (the rank reads nothing outside the ring), exit 1.
mp_shared_lie() {
    local dir
    dir=$(mp_dir shared-lie)
    mp_raw_job "$dir" lie ", shared-past-end" 2000 1000
    expect_status 1 "${MPIRUN[@]}" -np 1 "$BIN" run "$dir/lie.yaml" --out "$dir/lie" --quiet || return 1
    python3 - "$dir/lie/summary.json" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
assert summary["tasks_failed"] == 2 and summary["paths"] == 0, summary
for failure in summary["failures"]:
    assert "broke the protocol" in failure["error"] and "in shared memory" in failure["error"], failure
PY
}
check "montecarlo python: a worker whose block lies past its shared memory's end breaks the protocol: the block fails, exit 1" mp_shared_lie

# jobs/python-option-pricing.yaml at np=2: within 3 standard errors of Black-Scholes
# (computed here independently), which summary.json gives beside it (reference:).
mp_option_example() {
    local out="$WORK/mp-option"
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run jobs/python-option-pricing.yaml --out "$out" --quiet || return 1
    python3 -c "
import json
from math import erf, exp, log, sqrt
s, k, r, v, t = 42.0, 40.0, 0.10, 0.20, 0.5
d1 = (log(s / k) + (r + v * v / 2) * t) / (v * sqrt(t)); d2 = d1 - v * sqrt(t)
n = lambda x: 0.5 * (1 + erf(x / sqrt(2)))
exact = s * n(d1) - k * exp(-r * t) * n(d2)
summary = json.load(open('$out/summary.json'))
print('estimate', summary['estimate'], '+-', summary['stderr'], 'Black-Scholes', exact)
assert abs(summary['black_scholes'] - exact) < 1e-12, summary['black_scholes']
assert summary['paths'] == 2000000 and summary['tasks_failed'] == 0, summary
assert abs(summary['estimate'] - exact) <= 3 * summary['stderr'], summary"
}
check "montecarlo python: jobs/python-option-pricing.yaml at np=2 is within 3 stderr of Black-Scholes" mp_option_example

# Bad blocks fail, exit 1, each named with the exact count of bad values (counted here
# from the same streams): a wrong length, NaN and +inf, a value that is not numbers.
mp_bad_blocks() {
    local dir model
    dir=$(mp_dir bad)
    for model in short nonfinite text; do
        mp_job "$dir" "$model" "  python: \"mc_models:$model\"
  paths: 4000
  seed: 7
  block: 1000"
        expect_status 1 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/$model.yaml" --out "$dir/$model" --quiet || return 1
    done
    python3 - "$dir" <<'PY'
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from mc_models import nonfinite

def errors(name):
    summary = json.load(open("%s/%s/summary.json" % (sys.argv[1], name)))
    assert summary["tasks_failed"] == 4 and summary["paths"] == 0, summary
    return {f["index"]: f["error"] for f in summary["failures"]}

for block, error in errors("short").items():
    assert "block %d (paths %d..<%d)" % (block, block * 1000, block * 1000 + 1000) in error, error
    assert "returned 999 values, expected 1000" in error, error
for block, error in errors("nonfinite").items():
    x = nonfinite(np.random.Generator(np.random.Philox(key=[7, 0], counter=[0, 0, block, 0])), 1000)
    counts = [(int(np.isnan(x).sum()), "NaN"), (int(np.isposinf(x).sum()), "+inf")]
    said = ", ".join("%d %s" % count for count in counts if count[0])
    first = block * 1000 + int(np.flatnonzero(~np.isfinite(x))[0])
    assert said and "returned %s among its 1000 values (the first at path %d)" % (said, first) in error, (said, error)
    assert "never averaged" in error and "--only-path %d" % first in error, error
for block, error in errors("text").items():
    assert error.startswith("block %d: the function returned a str that is not numbers" % block), error
PY
}
check "montecarlo python: wrong length, NaN/Inf (exact counts), non-numeric: the block fails by name, exit 1" mp_bad_blocks

# calls: path: f(seed, **params) with seed = SeedSequence(S, spawn_key=(i,)), the same
# values as a ProcessPoolExecutor-style loop over SeedSequence(S).spawn(n); seed_as:
# uint32 gives generate_state(1)[0], as the common seeds = [...] loop does.
mp_per_path() {
    local dir form
    dir=$(mp_dir path)
    for form in sequence uint32; do
        mp_job "$dir" "$form" "  python: \"mc_models:walk\"
  calls: path
  seed_as: $form
  params: {steps: 64}
  paths: 3000
  seed: 11
  block: 700
  paths_out: paths"
        expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/$form.yaml" --out "$dir/$form" --quiet || return 1
    done
    python3 - "$dir" <<'PY'
import csv, glob, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from mc_models import walk
children = np.random.SeedSequence(11).spawn(3000)
expected = {
    "sequence": [walk(child) for child in children],
    "uint32": [walk(child.generate_state(1)[0]) for child in children],
}
for form, values in expected.items():
    seen = {}
    for name in glob.glob("%s/%s/paths/block-*.csv" % (sys.argv[1], form)):
        seen.update((int(row["path"]), float(row["value"])) for row in csv.DictReader(open(name)))
    assert sorted(seen) == list(range(3000)), (form, len(seen))
    assert all(seen[i] == values[i] for i in range(3000)), form
PY
}
check "montecarlo python: calls: path gets SeedSequence(S, spawn_key=(i,)) (seed_as: uint32 its generate_state(1)[0]): a spawn loop's values" mp_per_path

# A per-path function that raises on one path: the run fails naming that path and its
# seed; --only-path reproduces it (the traceback, exit 1); --only-path of another path
# prints the value the run used.
mp_path_raises() {
    local dir
    dir=$(mp_dir raises)
    mp_job "$dir" raises '  python: "mc_models:walk"
  calls: path
  params: {steps: 64, bad: 1234}
  paths: 3000
  seed: 11
  block: 700
  paths_out: paths'
    expect_status 1 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/raises.yaml" --out "$dir/out" --quiet || return 1
    python3 -c "
import json; s = json.load(open('$dir/out/summary.json'))
assert [f['index'] for f in s['failures']] == [1], s['failures']
assert s['failures'][0]['error'].startswith('path 1234 (seed SeedSequence(11, spawn_key=(1234,))): ValueError: path 1234 is bad on purpose'), s['failures']" || return 1
    expect_status 1 "$BIN" run "$dir/raises.yaml" --only-path 1234 >"$dir/bad.out" 2>"$dir/bad.err" || return 1
    grep -q "ValueError: path 1234 is bad on purpose" "$dir/bad.err" && grep -q "Traceback" "$dir/bad.err" || { cat "$dir/bad.err"; return 1; }
    expect_status 0 "$BIN" run "$dir/raises.yaml" --only-path 2001 >"$dir/good.out" 2>"$dir/good.err" || return 1
    grep -q "^mpibatch: note: computed under numpy $(python3 -c 'import numpy; print(numpy.__version__)'), python CPython 3" "$dir/good.err" ||
        { cat "$dir/good.err"; return 1; }
    local value
    value=$(grep '^2001,' "$dir/out/paths/block-2.csv" | cut -d, -f2)
    grep -q "^path 2001 (seed 11) of .*: $value\$" "$dir/good.out" || { echo "run: $value"; cat "$dir/good.out"; return 1; }
}
check "montecarlo python: a per-path function that raises fails with the path and its seed; --only-path reproduces it" mp_path_raises

# kill -9 of the ranks mid-run, then --resume: the same bits as a run never killed, and
# no worker left behind; a changed block: on --resume is refused (exit 2).
mp_kill_resume() {
    local dir tries
    dir=$(mp_dir kill)
    mp_job "$dir" kill '  python: "mc_models:slow_payoff"
  params: {pause: 0.05}
  paths: 300000
  seed: 5
  block: 5000'
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/kill.yaml" --out "$dir/whole" --quiet || return 1
    mp_figures "$dir/whole" >"$dir/whole.figures"
    "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/kill.yaml" --out "$dir/out" --quiet >"$dir/log" 2>&1 &
    local launcher=$!
    for tries in $(seq 1 200); do
        [ "$(wc -l <"$dir/out/results.jsonl" 2>/dev/null || echo 0)" -ge 10 ] && break
        sleep 0.1
    done
    kill -KILL $(pgrep -P "$launcher") 2>/dev/null
    wait $launcher
    local done_before
    done_before=$(wc -l <"$dir/out/results.jsonl")
    [ "$done_before" -ge 10 ] && [ "$done_before" -lt 60 ] || { echo "journal lines at the kill: $done_before"; return 1; }
    sleep 0.5
    ! pgrep -f -- "mc_models slow_payoff $dir" >/dev/null || { echo "workers left after kill -9"; return 1; }
    sed 's/block: 5000/block: 4000/' "$dir/kill.yaml" >"$dir/other-block.yaml"
    expect_status 2 "$BIN" run "$dir/other-block.yaml" --out "$dir/out" --resume --force 2>"$dir/refused" || return 1
    grep -q "cannot change its block size on --resume" "$dir/refused" || { cat "$dir/refused"; return 1; }
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/kill.yaml" --out "$dir/out" --resume --quiet || return 1
    mp_same "$dir/whole.figures" "$dir/out"
}
check "montecarlo python: kill -9 mid-run and --resume: the same bits; block: changed on --resume refused" mp_kill_resume

# mp_other_numpy DIR: DIR/other/bin/python3, the real interpreter with a directory first on
# PYTHONPATH whose numpy package imports the real numpy (the next one on sys.path) and
# reports version 0.0.0+other: what `module load` of another numpy build looks like to a
# resumed run, without installing a second numpy. Its draws are the real numpy's, so the
# bits of a run resumed under it are still checkable.
mp_other_numpy() {
    local real
    real=$(command -v python3)
    mkdir -p "$1/other/bin" "$1/other/lib/numpy"
    printf '#!/bin/sh\nPYTHONPATH="%s/other/lib${PYTHONPATH:+:$PYTHONPATH}" exec "%s" "$@"\n' "$1" "$real" >"$1/other/bin/python3"
    chmod +x "$1/other/bin/python3"
    cat >"$1/other/lib/numpy/__init__.py" <<'PY'
import os, sys
_here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or ".") != _here]
del sys.modules["numpy"]
import numpy as _real
_real.__version__ = "0.0.0+other"
PY
}

# run.json records the interpreter and numpy versions per part (from rank 0's first worker);
# --resume under another numpy is refused (exit 2, both versions and --force named, no block
# run); a hand-edited field is named with its file; --resume --force goes on, records the
# new versions, says the run mixed them, and (same draws here) gives the same bits.
mp_environment() {
    local dir numpy lines tries
    dir=$(mp_dir env)
    mp_other_numpy "$dir"
    mp_job "$dir" env '  python: "mc_models:slow_payoff"
  params: {pause: 0.1}
  paths: 60000
  seed: 9
  block: 3000'
    numpy=$(python3 -c 'import numpy; print(numpy.__version__)')
    expect_status 0 "$BIN" run "$dir/env.yaml" --out "$dir/whole" --slots 1 --quiet || return 1
    mp_figures "$dir/whole" >"$dir/whole.figures"
    # The worker rank 0 asked before the run stays for its blocks: one start-up, on its first block.
    python3 -c '
import json, sys
lines = [json.loads(line) for line in open(sys.argv[1])]
starts = [line["index"] for line in lines if line.get("worker_start_seconds", 0) > 0]
assert starts == [lines[0]["index"]], starts' "$dir/whole/results.jsonl" || return 1
    "$BIN" run "$dir/env.yaml" --out "$dir/out" --slots 1 --quiet >"$dir/log" 2>&1 &
    local run=$!
    for tries in $(seq 1 200); do
        [ "$(wc -l <"$dir/out/results.jsonl" 2>/dev/null || echo 0)" -ge 3 ] && break
        sleep 0.1
    done
    kill -USR1 $run
    wait $run
    [ $? -eq 3 ] || { echo "interrupted run: status not 3"; cat "$dir/log"; return 1; }
    python3 - "$dir/out/run.json" "$numpy" <<'PY' || return 1
import json, sys
environment = json.load(open(sys.argv[1]))["parts"][0]["environment"]
assert environment["numpy"] == sys.argv[2] and environment["python"].startswith("CPython 3."), environment
assert environment["executable"].startswith("/"), environment
PY
    lines=$(wc -l <"$dir/out/results.jsonl")
    PATH="$dir/other/bin:$PATH" expect_status 2 "$BIN" run "$dir/env.yaml" --out "$dir/out" --resume 2>"$dir/refused" || return 1
    grep -q "out/run.json: this run's model ran under numpy $numpy, python CPython 3\.[0-9.]* (part 1), but its worker now runs under numpy 0.0.0+other" "$dir/refused" &&
        grep -q -- "--force" "$dir/refused" || { cat "$dir/refused"; return 1; }
    [ "$(wc -l <"$dir/out/results.jsonl")" -eq "$lines" ] || { echo "a block ran before the refusal"; return 1; }
    [ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["parts"]))' "$dir/out/run.json")" = 1 ] ||
        { echo "the refused resume added a part to run.json"; return 1; }
    cp -r "$dir/out" "$dir/garbage"
    python3 - "$dir/garbage/run.json" <<'PY'
import json, sys
meta = json.load(open(sys.argv[1]))
meta["parts"][0]["environment"]["numpy"] = 1.26
json.dump(meta, open(sys.argv[1], "w"))
PY
    expect_status 2 "$BIN" run "$dir/env.yaml" --out "$dir/garbage" --resume 2>"$dir/garbage.err" || return 1
    grep -q "garbage/run.json: parts\[0\]\.environment\.numpy is not a string" "$dir/garbage.err" || { cat "$dir/garbage.err"; return 1; }
    PATH="$dir/other/bin:$PATH" expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/env.yaml" --out "$dir/out" --resume --force --quiet || return 1
    python3 - "$dir/out" "$numpy" <<'PY' || return 1
import json, sys
parts = json.load(open(sys.argv[1] + "/run.json"))["parts"]
assert [p["environment"]["numpy"] for p in parts] == [sys.argv[2], "0.0.0+other"], parts
notes = json.load(open(sys.argv[1] + "/summary.json"))["notes"]
assert any(n.startswith("this run mixed environments (resumed with --force): numpy %s" % sys.argv[2]) and "0.0.0+other, python" in n
           and "(part 2)" in n for n in notes), notes
PY
    mp_same "$dir/whole.figures" "$dir/out"
}
check "montecarlo python: run.json records python and numpy; --resume under another numpy refused (exit 2) unless --force, which says the run mixed them" mp_environment

# A node whose numpy is not rank 0's (rank 1 launched with the other python3 first on PATH,
# as a node that loaded another module would): its worker cannot start, and the run stops
# (exit 3, resumable) naming both versions, instead of mixing their path values.
mp_environment_nodes() {
    local dir numpy
    dir=$(mp_dir envnodes)
    mp_other_numpy "$dir"
    mp_job "$dir" nodes '  python: "mc_models:slow_payoff"
  params: {pause: 0.05}
  paths: 60000
  seed: 9
  block: 3000'
    numpy=$(python3 -c 'import numpy; print(numpy.__version__)')
    expect_status 3 "${MPIRUN[@]}" -np 1 "$BIN" run "$dir/nodes.yaml" --out "$dir/out" --slots 1 : \
        -np 1 env PATH="$dir/other/bin:$PATH" "$BIN" run "$dir/nodes.yaml" --out "$dir/out" --slots 1 2>"$dir/err" || return 1
    grep -q "it runs under numpy 0.0.0+other, python CPython 3\.[0-9.]* on rank 1, but rank 0's worker runs under numpy $numpy" "$dir/err" ||
        { cat "$dir/err"; return 1; }
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/nodes.yaml" --out "$dir/out" --resume --quiet
}
check "montecarlo python: a rank whose worker runs another numpy than rank 0's cannot start it: the run stops (exit 3) naming both" mp_environment_nodes

# With --out a model's workers start before MPI does, for the rank the launcher's variables
# say: under mpirun each block runs on its own rank's worker; a wrong guess (PMI_RANK=1 on a
# run without mpirun, which Open MPI ignores: it is rank 0) is replaced, never used.
mp_early_workers() {
    local dir
    dir=$(mp_dir early)
    mp_job "$dir" early '  python: "mc_models:rank_payoff"
  paths: 8000
  seed: 3
  block: 1000
  paths_out: paths'
    PMI_RANK=1 MPI_LOCALNRANKS=1 expect_status 0 "$BIN" run "$dir/early.yaml" --out "$dir/guessed" --slots 2 --quiet || return 1
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/early.yaml" --out "$dir/mpirun" --slots 2 --quiet || return 1
    python3 - "$dir" <<'PY'
import csv, glob, json, sys
for run in ("guessed", "mpirun"):
    ran = {json.loads(line)["index"]: (json.loads(line)["rank"], json.loads(line)["slot"])
           for line in open("%s/%s/results.jsonl" % (sys.argv[1], run))}
    assert len(ran) == 8, (run, ran)
    for name in glob.glob("%s/%s/paths/block-*.csv" % (sys.argv[1], run)):
        block = int(name.rsplit("-", 1)[1].split(".")[0])
        rank, slot = ran[block]
        values = {float(row["value"]) for row in csv.DictReader(open(name))}
        assert values == {rank + 10.0 * slot}, (run, block, ran[block], values)
    if run == "guessed":
        assert {rank for rank, _ in ran.values()} == {0}, ran
PY
}
check "montecarlo python: workers start before MPI for the launcher's rank; a wrong guess is replaced, each block runs on its own rank's worker" mp_early_workers

# A rank whose worker starts late (its model sleeps 30 s at import on rank 1) leaves its
# blocks to the others: its slot asks for none until the worker is ready, and the run, done
# without it, ends without waiting for it. The same bits as a run alone.
mp_late_worker() {
    local dir
    dir=$(mp_dir late)
    printf 'import os, time\nfrom mc_models import payoff\nif os.environ.get("MPIBATCH_RANK") == "1":\n    time.sleep(30)\n' >"$dir/mc_late.py"
    mp_job "$dir" late '  python: "mc_late:payoff"
  paths: 200000
  seed: 5
  block: 5000'
    expect_status 0 "$BIN" run "$dir/late.yaml" --out "$dir/alone" --quiet || return 1
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/late.yaml" --out "$dir/np2" --slots 1 --quiet || return 1
    mp_figures "$dir/alone" >"$dir/alone.figures" || return 1
    mp_same "$dir/alone.figures" "$dir/np2" || return 1
    python3 - "$dir/np2" <<'PY'
import json, sys
ranks = {json.loads(line)["rank"] for line in open(sys.argv[1] + "/results.jsonl")}
wall = json.load(open(sys.argv[1] + "/summary.json"))["wall_seconds"]
assert ranks == {0}, ranks
assert wall < 30, wall
PY
}
check "montecarlo python: a rank whose worker starts late gets no block meanwhile; the run ends without waiting for it, the same bits" mp_late_worker

# A run refused once MPI has started (a changed job on --resume, found by rank 0 once its own
# worker answered, while rank 1's still imports its model for 20 s) exits 2 with the reason at
# once, and leaves no worker running.
mp_refused_after_start() {
    local dir began
    dir=$(mp_dir refused)
    printf 'import os, time\nfrom mc_models import payoff\nif os.environ.get("MPIBATCH_RANK") == "1":\n    time.sleep(20)\n' >"$dir/mc_slow_import.py"
    mp_job "$dir" refused '  python: "mc_models:payoff"
  paths: 4000
  seed: 3
  block: 1000'
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/refused.yaml" --out "$dir/out" --slots 1 --quiet || return 1
    mp_job "$dir" refused '  python: "mc_slow_import:payoff"
  paths: 4000
  seed: 4
  block: 1000'
    began=$SECONDS
    expect_status 2 "${MPIRUN[@]}" -np 2 "$BIN" run "$dir/refused.yaml" --out "$dir/out" --resume --slots 1 --quiet 2>"$dir/err" || return 1
    [ $((SECONDS - began)) -lt 15 ] || { echo "the refusal waited for rank 1's worker"; return 1; }
    grep -q "the job file changed since this run began" "$dir/err" || { cat "$dir/err"; return 1; }
    ! pgrep -f -- "mc_slow_import payoff $dir" >/dev/null || { echo "workers left running:"; pgrep -af -- "mc_slow_import payoff $dir"; return 1; }
}
check "montecarlo python: a run refused after its workers started (a changed job on --resume) exits 2 and leaves no worker running" mp_refused_after_start

# Bad input: path:line:col, exit 2, nothing run.
mp_bad_input() {
    local dir job
    dir=$(mp_dir input)
    mp_job "$dir" both '  kernel: pi
  python: "mc_models:payoff"
  paths: 10'
    mp_job "$dir" seedas '  python: "mc_models:payoff"
  seed_as: uint32
  paths: 10'
    mp_job "$dir" calls '  python: "mc_models:walk"
  calls: paths
  paths: 10'
    mp_job "$dir" module '  python: "no_such_module:payoff"
  paths: 10'
    mp_job "$dir" kernelkey '  kernel: pi
  calls: path
  paths: 10'
    for job in both seedas calls module kernelkey; do
        expect_status 2 "$BIN" run "$dir/$job.yaml" --out "$dir/out-$job" 2>"$dir/$job.err" || return 1
        grep -q "$job.yaml:[0-9]*:[0-9]*: " "$dir/$job.err" || { cat "$dir/$job.err"; return 1; }
        [ ! -e "$dir/out-$job" ] || { echo "$job: output directory created"; return 1; }
    done
    grep -q "exactly one of kernel, python, worker" "$dir/both.err" &&
        grep -q "seed_as: applies to calls: path" "$dir/seedas.err" &&
        grep -q "calls must be block or path" "$dir/calls.err" &&
        grep -q "python module 'no_such_module' not found" "$dir/module.err" &&
        grep -q "calls: belongs to python: and worker: models" "$dir/kernelkey.err"
}
check "montecarlo python: bad input (kernel and python, seed_as on a block model, bad calls:, missing module): exit 2" mp_bad_input

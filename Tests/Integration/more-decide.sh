# Workflows that decide as they run, under mpirun -np 2 (sourced by run-all: uses check,
# expect_status, $BIN, $WORK, $MPIRUN and $HERE). Fixtures: $HERE/decide-*.yaml.

# decide_assert OUT PYTHON: runs PYTHON with s = summary.json, lines = results.jsonl of OUT.
decide_assert() {
    python3 - "$1" "$2" <<'PY'
import json, sys
out, code = sys.argv[1], sys.argv[2]
s = json.load(open(out + '/summary.json'))
lines = [json.loads(l) for l in open(out + '/results.jsonl')]
exec(code)
PY
}

decide_stop_when() {
    local out="$WORK/decide-stop"
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$HERE/decide-stop-when.yaml" --out "$out" --slots 2 2>"$out.err" \
        || { cat "$out.err"; return 1; }
    grep -q "stopped early at task 137" "$out.err" || { cat "$out.err"; return 1; }
    decide_assert "$out" "
stop = s['early_stops'][0]
assert stop['index'] == 137 and stop['scope'] == 'sweep', stop
started = [l for l in lines if l['started_at'] is not None]
running = [l for l in started if l['status'] == 'cancelled']
print('stop_when: %d of 10000 tasks started (%d running when it held, cancelled), %d more cancelled unstarted, %d never handed out'
      % (len(started), len(running), s['tasks_cancelled'] - len(running), stop['not_started']))
assert len(running) <= s['slots'], running
assert len(started) < 1000, len(started)
assert s['tasks_succeeded'] == 1, s
assert all(l['status'] in ('failed', 'cancelled') for l in lines if l['index'] != 137)
" || return 1
    local before
    before=$(wc -l <"$out/results.jsonl")
    "$BIN" results "$out" --status cancelled --format csv >"$out.cancelled.csv" || return 1
    [ "$(grep -c ',cancelled,' "$out.cancelled.csv")" -eq "$(grep -c '"status":"cancelled"' "$out/results.jsonl")" ] \
        || { echo "results --status cancelled:"; head -3 "$out.cancelled.csv"; return 1; }
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$HERE/decide-stop-when.yaml" --out "$out" --slots 2 --resume || return 1
    [ "$(wc -l <"$out/results.jsonl")" -eq "$before" ] || { echo "the resume ran tasks"; return 1; }
}
check "decide -np 2: stop_when on a 10,000-task sweep stops at task 137; --resume runs nothing" decide_stop_when

decide_race() {
    local out="$WORK/decide-race"
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$HERE/decide-race.yaml" --out "$out" --slots 2 2>"$out.err" \
        || { cat "$out.err"; return 1; }
    grep -q "race 'solve': task 0 won" "$out.err" || { cat "$out.err"; return 1; }
    decide_assert "$out" "
solve = sorted((l for l in lines if l['params']['stage'] == 'solve'), key=lambda l: l['index'])
assert [l['status'] for l in solve] == ['ok', 'cancelled', 'cancelled'], solve
assert s['stages']['solve']['seconds'] < 0.9, s['stages']['solve']
stop = s['early_stops'][0]
assert stop['race'] and stop['index'] == 0 and stop['cancelled'] == 2, stop
use = [l for l in lines if l['params']['stage'] == 'use']
assert use[0].get('value') == 'winner=0.2', use
print('race: solve took %.2f s; the losers cost %.2f s' % (s['stages']['solve']['seconds'], stop['cancelled_seconds']))
"
}
check "decide -np 2: a race of sleep 0.2/1/3 ends in about 0.2 s, the others cancelled" decide_race

# refinement_values OUT: every stage's value.json, and each ok task's stage, params and value, sorted.
refinement_values() {
    python3 - "$1" <<'PY'
import json, os, sys
out = sys.argv[1]
for stage in ('coarse', 'pick', 'refine', 'best'):
    print(stage, open(os.path.join(out, 'stages', stage, 'value.json')).read().strip())
rows = set()
for line in open(os.path.join(out, 'results.jsonl')):
    l = json.loads(line)
    if l['status'] == 'ok':
        rows.add(json.dumps([l['params'], l.get('value')], sort_keys=True))
print('\n'.join(sorted(rows)))
PY
}

decide_refinement() {
    local out="$WORK/decide-refine"
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run jobs/adaptive-refinement.yaml --out "$out" --slots 2 2>"$out.err" \
        || { cat "$out.err"; return 1; }
    "$BIN" plan jobs/adaptive-refinement.yaml | grep -q "refine: size known at run time" || { echo "plan does not say so"; return 1; }
    decide_assert "$out" "
coarse = json.load(open(out + '/stages/coarse/value.json'))
best = min(coarse, key=lambda p: p['f'])
near = [p['x'] for p in coarse if p['f'] <= 4 * best['f'] + 1e-3]
expected = int(round((max(near) - min(near) + 0.1) / 0.01)) + 1
refine = [l for l in lines if l['params']['stage'] == 'refine']
assert len(refine) == expected == s['stages']['refine']['tasks'], (len(refine), expected, s['stages']['refine'])
assert s['tasks_total'] == 11 + 1 + expected + 1 and s['tasks_succeeded'] == s['tasks_total'], s
final = json.load(open(out + '/stages/best/value.json'))
assert abs(final['x'] - 0.637) <= 0.005, final
print('refinement: %d coarse points -> %d refined (from the coarse results) -> best x %.3f' % (len(coarse), len(refine), final['x']))
"
}
check "decide -np 2: the adaptive refinement example runs end to end, its refined size set by the coarse results" decide_refinement

decide_refinement_resume() {
    local reference="$WORK/decide-refine-ref" out="$WORK/decide-refine-kill" tries status
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run jobs/adaptive-refinement.yaml --out "$reference" --slots 2 --quiet || return 1
    # Slow tasks (0.3 s each), every rank killed with SIGKILL while the refined sweep runs.
    "${MPIRUN[@]}" -np 2 -x SLEEP=0.3 "$BIN" run jobs/adaptive-refinement.yaml --out "$out" --slots 2 --quiet &
    local launcher=$! waited
    for waited in $(seq 1 100); do
        [ -n "$(grep -s '"stage":"refine"' "$out/results.jsonl")" ] && break
        sleep 0.1
    done
    kill -KILL $(pgrep -P "$launcher") 2>/dev/null
    wait "$launcher"
    local done_before
    done_before=$(grep -c '"stage":"refine".*"status":"ok"' "$out/results.jsonl")
    echo "killed with $done_before refined tasks done"
    [ -s "$out/stages/refine/sweep-table.csv" ] || { echo "killed before the refined sweep was expanded"; return 1; }
    for tries in 1 2 3; do
        timeout 120 "${MPIRUN[@]}" -np 2 "$BIN" run jobs/adaptive-refinement.yaml --out "$out" --slots 2 --resume --quiet
        status=$?
        [ $status -eq 0 ] && break
        echo "resume $tries: exit $status"
    done
    [ $status -eq 0 ] || return 1
    diff <(refinement_values "$reference") <(refinement_values "$out") || return 1
}
check "decide -np 2: the refinement example killed mid-refinement and resumed gives the same results" decide_refinement_resume

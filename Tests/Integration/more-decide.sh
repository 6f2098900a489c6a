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
assert use[0]['value'] == 'winner=0.2', use
print('race: solve took %.2f s; the losers cost %.2f s' % (s['stages']['solve']['seconds'], stop['cancelled_seconds']))
"
}
check "decide -np 2: a race of sleep 0.2/1/3 ends in about 0.2 s, the others cancelled" decide_race

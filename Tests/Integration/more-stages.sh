# Stage graphs under mpirun -np 3 (sourced by run-all: uses check, expect_status,
# $BIN, $WORK, $MPIRUN and $HERE). Fixtures: $HERE/stages-*.yaml.

# stage_run NAME STATUS: runs $HERE/stages-NAME.yaml on 3 ranks into $WORK/stages-NAME, wanting exit STATUS.
stage_run() {
    expect_status "$2" "${MPIRUN[@]}" -np 3 "$BIN" run "$HERE/stages-$1.yaml" --out "$WORK/stages-$1"
}

# stage_assert NAME PYTHON: runs PYTHON with s = summary.json, lines = results.jsonl, stages = s['stages'].
stage_assert() {
    python3 - "$WORK/stages-$1" "$2" <<'PY'
import json, sys
out, code = sys.argv[1], sys.argv[2]
s = json.load(open(out + '/summary.json'))
lines = [json.loads(l) for l in open(out + '/results.jsonl')]
stages = s['stages']
by_stage = {}
for l in lines:
    by_stage.setdefault(l['params']['stage'], []).append(l)
exec(code)
PY
}

stages_diamond() {
    stage_run diamond 0 || return 1
    stage_assert diamond "
assert s['tasks_succeeded'] == 4, s
assert by_stage['bottom'][0].get('value') == '14 200.0 7', by_stage['bottom']
for a, b in [('top', 'left'), ('top', 'right'), ('left', 'bottom'), ('right', 'bottom')]:
    assert stages[a]['end'] <= stages[b]['start'], (a, b, stages)
assert s['critical_path'][0] == 'top' and s['critical_path'][-1] == 'bottom', s['critical_path']
assert s['max_speedup'] > 1 and s['critical_path_seconds'] > 0.2, s
assert 'improvement_over_sequential' in s and s['peak_stages_running'] == 2, s
" && [ -s "$WORK/stages-diamond/stages/top/seed.txt" ] && grep -q 14 "$WORK/stages-diamond/stages/left/value.json"
}
check "stages -np 3: a diamond runs in order and passes values and files downstream" stages_diamond

stages_chain() {
    stage_run chain 0 || return 1
    stage_assert chain "
names = ['s1', 's2', 's3', 's4', 's5']
for a, b in zip(names, names[1:]):
    assert stages[a]['end'] <= stages[b]['start'], (a, b, stages)
assert s['critical_path'] == names, s['critical_path']
assert s['max_speedup'] < 1.2, s['max_speedup']
assert by_stage['s5'][0].get('value') == '100.0', by_stage['s5']
"
}
check "stages -np 3: a chain runs one after another" stages_chain

stages_fanout() {
    stage_run fanout 0 || return 1
    stage_assert fanout "
assert s['tasks_succeeded'] == 303, s['tasks_succeeded']
assert sorted(l['index'] for l in lines) == list(range(303))
wide = by_stage['wide']
assert len({l['rank'] for l in wide}) == 3, 'the fan-out did not spread over the ranks'
side = by_stage['side'][0]
overlap = [l for l in wide if l['rank'] != side['rank'] and l['start'] < side['start'] + side['seconds']]
assert overlap, 'the fan-out waited for the independent stage'
assert stages['join']['start'] >= max(stages['wide']['end'], stages['side']['end']), stages
"
}
check "stages -np 3: a wide fan-out spreads over the ranks beside an independent stage" stages_fanout

stages_exclusive() {
    stage_run exclusive 0 || return 1
    stage_assert exclusive "
acc = by_stage['acc'][0]
lo, hi = acc['start'], acc['start'] + acc['seconds']
slack = 0.05  # results.jsonl times are per rank; ranks start within milliseconds of each other
for l in lines:
    if l is acc: continue
    start, end = l['start'], l['start'] + l['seconds']
    assert end <= lo + slack or start >= hi - slack, ('overlaps acc', l, acc)
a = stages['acc']
for name, st in stages.items():
    if name != 'acc':
        assert st['end'] <= a['start'] or st['start'] >= a['end'], (name, st, a)
assert s['tasks_succeeded'] == 7, s
"
}
check "stages -np 3: nothing overlaps an exclusive stage (results.jsonl and summary times)" stages_exclusive

stages_cycle() {
    expect_status 2 "${MPIRUN[@]}" -np 3 "$BIN" run "$HERE/stages-cycle.yaml" --out "$WORK/stages-cycle" 2>"$WORK/stages-cycle.err" || return 1
    grep -Eq 'stages-cycle.yaml:[0-9]+:[0-9]+: dependency cycle: (a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c)' "$WORK/stages-cycle.err" &&
        [ ! -e "$WORK/stages-cycle/results.jsonl" ] &&
        expect_status 2 "$BIN" validate "$HERE/stages-cycle.yaml"
}
check "stages -np 3: a cycle is rejected with the cycle named, exit 2, nothing run" stages_cycle

stages_failing() {
    stage_run failing 1 || return 1
    stage_assert failing "
assert s['stages_failed'] == ['broken'], s['stages_failed']
assert s['stages_skipped'] == ['needs-broken', 'needs-both'], s['stages_skipped']
assert stages['needs-broken']['status'] == 'skipped' and stages['branch-end']['status'] == 'succeeded', stages
assert set(by_stage) == {'root', 'broken', 'branch', 'branch-end'}, set(by_stage)
assert by_stage['broken'][0]['status'] == 'failed' and 'broken' in by_stage['broken'][0].get('error'), by_stage['broken']
assert s['tasks_succeeded'] == 3 and s['tasks_failed'] == 1 and s['tasks_total'] == 6, s
"
}
check "stages -np 3: a failing stage skips its dependents, the branch finishes, exit 1" stages_failing

stages_examples() {
    for job in jobs/reasoning-pipeline.yaml jobs/data-model-pipeline.yaml; do
        "$BIN" validate "$job" >/dev/null && "$BIN" plan "$job" | grep -q "best possible speedup" || return 1
    done
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run jobs/data-model-pipeline.yaml --out "$WORK/stages-data-model" &&
        grep -q "published after" "$WORK/stages-data-model/results.jsonl"
}
check "stages: example pipelines validate, plan and run" stages_examples

stages_montecarlo() {
    stage_run montecarlo 0 || return 1
    expect_status 0 "$BIN" run "$HERE/stages-montecarlo.yaml" --out "$WORK/stages-montecarlo-1" || return 1
    stage_assert montecarlo "
price = s['montecarlo']['price']
assert s['tasks_succeeded'] == 101 and price['blocks'] == 98 == stages['price']['tasks'], (s['tasks_succeeded'], price)
# one rank's slot is busy with side for most of price's run; its blocks go to the others
assert len({l['rank'] for l in by_stage['price']}) >= 2, 'the blocks did not spread over the ranks'
assert abs(price['estimate'] - price['black_scholes']) < 5 * price['stderr'], price
value = float(open(out + '/stages/price/value.json').read())
alone = float(open(out + '-1/stages/price/value.json').read())
assert value == price['estimate'] == float(by_stage['report'][0].get('value')) == alone, (value, price, alone)
" && "$BIN" plan "$HERE/stages-montecarlo.yaml" | grep -q "price: 98 blocks of 4,096 paths" &&
        "$BIN" validate jobs/pricing-pipeline.yaml >/dev/null &&
        expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run jobs/pricing-pipeline.yaml --out "$WORK/stages-pricing" &&
        grep -q '"value":"european 4\.7' "$WORK/stages-pricing/results.jsonl"
}
check "stages -np 3: a montecarlo stage fans out its blocks; its estimate is the stage value, the same as on one rank" stages_montecarlo

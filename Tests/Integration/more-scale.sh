# mpibatch scale (issue 14 item 4): runs a job at 1 and 2 ranks, writes the table, the plot
# and scaling.json. Sourced by run-all.

scale_study() {
    local out=$WORK/scale
    "$BIN" scale "$HERE/jobs-small-spin.yaml" --ranks 2,1 --out "$out" >"$WORK/scale.txt" || { cat "$WORK/scale.txt"; return 1; }
    cat "$WORK/scale.txt"
    [ -s "$out/scaling.svg" ] && [ -s "$out/scaling.html" ] && [ -s "$out/ranks-1/summary.json" ] || return 1
    python3 - "$out/scaling.json" <<'PY' || return 1
import json, sys
s = json.load(open(sys.argv[1]))
ranks = [p["ranks"] for p in s["points"]]
assert ranks == [1, 2], ranks
one, two = s["points"]
assert one["speedup"] == 1 and one["slots"] == 1 and two["slots"] == 2, s["points"]
# The figures agree with the walls (how fast 2 ranks are is the machine's load: bench/, not here).
assert abs(two["speedup"] - one["wall_seconds"] / two["wall_seconds"]) < 1e-9, s["points"]
assert abs(two["efficiency"] - two["speedup"] / 2) < 1e-9, two
assert 0 <= s["serial_fraction"] <= 1, s["serial_fraction"]
PY
    grep -q "Amdahl's serial fraction" "$WORK/scale.txt" || return 1
    expect_status 2 "$BIN" scale "$HERE/jobs-small-spin.yaml" --ranks 0,x
}
check "scale: a job at 1 and 2 ranks gives the table, scaling.svg/html/json with speedup, efficiency and Amdahl's fit" scale_study

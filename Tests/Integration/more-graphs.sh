# Stage graphs at scale (issue 23, item 13): a generated chain of 250,000 stages validates,
# and a cycle through 80,000 stages is named, not a crash. What the size guards: no walk of
# the graph recurses (250,000 frames of 34 bytes or more outrun an 8 MB stack) and none is
# quadratic (6e10 steps: the check took minutes when validation was). The 120 s bound is a
# guard against a hang, not a timing claim (the machine may be shared); the scale figure,
# up to 10^6 stages, is bench/validate.sh's. (The check validated 10^6 stages: 42 s and
# 3 GB of CI's time and memory, for no property the smaller chain misses.) Sourced by run-all.

# graph_chain FILE COUNT [closed]: a JSON job of COUNT noop stages s0 … each after the
# one before (s0 after the last one when "closed").
graph_chain() {
    python3 - "$@" <<'PY'
import sys
path, count, closed = sys.argv[1], int(sys.argv[2]), len(sys.argv) > 3
with open(path, "w") as out:
    out.write('{"name": "chain", "stages": [\n')
    for i in range(count):
        after = i - 1 if i else (count - 1 if closed else None)
        out.write(('{"name": "s%d"' % i) + (', "after": "s%d"' % after if after is not None else "")
                  + ', "kernel": "noop"}' + (",\n" if i < count - 1 else "\n"))
    out.write("]}\n")
PY
}

graph_long_chain() {
    graph_chain "$WORK/chain-25e4.json" 250000 || return 1
    /usr/bin/time -f "%e %M" -o "$WORK/chain-25e4.time" timeout 120 "$BIN" validate "$WORK/chain-25e4.json" >"$WORK/chain-25e4.out" || {
        cat "$WORK/chain-25e4.out"; return 1; }
    grep -qx "ok: 250000 stages, 250000 tasks" "$WORK/chain-25e4.out" || { cat "$WORK/chain-25e4.out"; return 1; }
    local seconds kib
    read -r seconds kib <"$WORK/chain-25e4.time"
    echo "measured: validate of a 250,000-stage chain: $seconds s, $((kib / 1024)) MB"
}
check "graphs: validate of a 250,000-stage chain ends (within 120 s)" graph_long_chain

graph_long_cycle() {
    graph_chain "$WORK/cycle-8e4.json" 80000 closed || return 1
    expect_status 2 "$BIN" validate "$WORK/cycle-8e4.json" 2>"$WORK/cycle-8e4.err" || { cat "$WORK/cycle-8e4.err"; return 1; }
    grep -q "cycle-8e4.json:3:10: dependency cycle through 80000 stages: s1 -> s2 -> .* -> s0 -> s1$" "$WORK/cycle-8e4.err" || {
        cat "$WORK/cycle-8e4.err"; return 1; }
}
check "graphs: a cycle through 80,000 stages is named (exit 2), not a crash" graph_long_cycle

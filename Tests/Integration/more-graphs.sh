# Stage graphs at scale (issue 23, item 13): a generated chain of 10^6 stages validates,
# and a cycle through 80,000 stages is named, not a crash. The 120 s bound is a guard
# against a hang (the check took minutes when validation was quadratic), not a timing
# claim (the machine may be shared). Sourced by run-all.

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

graph_million_chain() {
    graph_chain "$WORK/chain-1e6.json" 1000000 || return 1
    /usr/bin/time -f "%e %M" -o "$WORK/chain-1e6.time" timeout 120 "$BIN" validate "$WORK/chain-1e6.json" >"$WORK/chain-1e6.out" || {
        cat "$WORK/chain-1e6.out"; return 1; }
    grep -qx "ok: 1000000 stages, 1000000 tasks" "$WORK/chain-1e6.out" || { cat "$WORK/chain-1e6.out"; return 1; }
    local seconds kib
    read -r seconds kib <"$WORK/chain-1e6.time"
    echo "measured: validate of a 10^6-stage chain: $seconds s, $((kib / 1024)) MB"
}
check "graphs: validate of a 10^6-stage chain ends (within 120 s)" graph_million_chain

graph_long_cycle() {
    graph_chain "$WORK/cycle-8e4.json" 80000 closed || return 1
    expect_status 2 "$BIN" validate "$WORK/cycle-8e4.json" 2>"$WORK/cycle-8e4.err" || { cat "$WORK/cycle-8e4.err"; return 1; }
    grep -q "cycle-8e4.json:3:10: dependency cycle through 80000 stages: s1 -> s2 -> .* -> s0 -> s1$" "$WORK/cycle-8e4.err" || {
        cat "$WORK/cycle-8e4.err"; return 1; }
}
check "graphs: a cycle through 80,000 stages is named (exit 2), not a crash" graph_long_cycle

#!/usr/bin/env bash
# `mpibatch validate` of a generated chain of noop stages (each after the one before), at
# each size of VALIDATE_SIZES: wall seconds, peak resident memory, and both per stage, which
# a linear validation keeps flat from size to size (the integration check validates a chain
# of 250,000 stages, beyond any stack a recursive walk could use; this is its scale figure).
# `uptime` first: figures under load say little.
#
#   bench/validate.sh      (BIN=path/to/mpibatch, VALIDATE_SIZES="250000 500000 1000000")
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-$PWD/.build/release/mpibatch}
WORK=$(mktemp -d /tmp/mpibatch-validate.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
uptime
printf '%-10s %10s %10s %12s %12s\n' stages wall_s peak_MB us_per_stage KB_per_stage
for count in ${VALIDATE_SIZES:-250000 500000 1000000}; do
    python3 - "$WORK/chain.json" "$count" <<'PY'
import sys
path, count = sys.argv[1], int(sys.argv[2])
with open(path, "w") as out:
    out.write('{"name": "chain", "stages": [\n')
    for i in range(count):
        after = ', "after": "s%d"' % (i - 1) if i else ""
        out.write('{"name": "s%d"%s, "kernel": "noop"}%s' % (i, after, ",\n" if i < count - 1 else "\n"))
    out.write("]}\n")
PY
    /usr/bin/time -f '%e %M' -o "$WORK/time" "$BIN" validate "$WORK/chain.json" >"$WORK/out"
    grep -qx "ok: $count stages, $count tasks" "$WORK/out" || { cat "$WORK/out"; exit 1; }
    read -r seconds kb <"$WORK/time"
    awk -v n="$count" -v s="$seconds" -v kb="$kb" \
        'BEGIN { printf "%-10d %10.2f %10d %12.1f %12.2f\n", n, s, kb / 1024, s * 1e6 / n, kb / n }'
done

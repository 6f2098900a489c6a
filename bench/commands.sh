#!/usr/bin/env bash
# Per-task overhead of tiny command tasks: N `true` commands run by
#   mpibatch (mpirun -np 2, jobs/true-tasks.yaml), xargs -P 2 and GNU parallel -j2,
# printing tasks/s for each and mpibatch's ratio to the others.
#
#   bench/commands.sh [N]          (default N=2000; BIN=path/to/mpibatch to override)
#
# mpibatch does more per task than xargs: a log file pair under logs/, a
# results.jsonl line, timing. The target is >= 0.8x the rate of xargs -P 2.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2000}
BIN=${BIN:-.build/release/mpibatch}
command -v parallel >/dev/null || { echo "installing GNU parallel" >&2; apt-get install -y parallel >/dev/null; }
[ -x "$BIN" ] || swift build -c release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

printf 'name: true-tasks\nsweep:\n  repeat: %d\ntask:\n  command: [true]\n' "$N" > "$work/true-tasks.yaml"
mpirun_flags=(-np 2)
[ "$(id -u)" = 0 ] && mpirun_flags+=(--allow-run-as-root)

rate() {  # rate NAME COMMAND...: runs it, prints its tasks/s and leaves it in $RATE
    local name=$1; shift
    local start end
    start=$(date +%s.%N)
    "$@" > /dev/null
    end=$(date +%s.%N)
    RATE=$(awk -v n="$N" -v s="$start" -v e="$end" 'BEGIN { print n / (e - s) }')
    awk -v r="$RATE" -v n="$N" -v name="$name" 'BEGIN { printf "%-16s %8.0f tasks/s  (%.2f s for %d tasks)\n", name, r, n / r, n }'
}

echo "N = $N tiny 'true' tasks, 2 at a time"
rate "mpibatch -np 2" mpirun "${mpirun_flags[@]}" "$BIN" run "$work/true-tasks.yaml" --out "$work/run" --quiet
mpibatch=$RATE
rate "xargs -P 2" sh -c "seq $N | xargs -P 2 -n 1 true"
xargs_rate=$RATE
rate "parallel -j2" sh -c "seq $N | parallel -j2 true"
parallel_rate=$RATE
awk -v m="$mpibatch" -v x="$xargs_rate" -v p="$parallel_rate" \
    'BEGIN { printf "mpibatch / xargs -P 2:   %.2fx\nmpibatch / parallel -j2: %.2fx\n", m / x, m / p }'

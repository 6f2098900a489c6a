#!/usr/bin/env bash
# Per-task overhead of tiny command tasks (issue 12): a task file of N `true` lines run 2 at
# a time by
#   mpibatch (mpirun -np 2, --out on the ordinary disk, end to end: start-up included),
#   xargs -P 2 -I{} sh -c '{}' and GNU parallel -j2 (both reading the same task file),
#   disBatch -s localhost:2 (for reference, on DISBATCH_N lines: it is far slower; skipped
#   with a note when `pip install disbatch` does not work in a venv),
# each run right after deleting a directory of 20,000 files on the same disk, with no wait
# for the disk to settle (what a test suite or an earlier run leaves it doing). The best of
# REPEATS runs counts (default 3). Targets: mpibatch >= 1.2x xargs and >= 5x parallel.
# Then strace counts the files mpibatch creates (openat/creat with O_CREAT, every process
# of the run: mpirun, ranks, tasks) for N/10 and N/5 tasks: the default mode creates none
# per task, so both counts are the same.
# Also: `mpibatch plan` of a 10^9-task grid, in < 1 s and < 50 MB (GNU time's %M).
#
#   bench/commands.sh [N]          (default N=10000; BIN=path/to/mpibatch to override)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
REPEATS=${REPEATS:-3}
DISBATCH_N=${DISBATCH_N:-300}
BIN=${BIN:-.build/release/mpibatch}
command -v parallel >/dev/null || { echo "installing GNU parallel" >&2; apt-get install -y parallel >/dev/null; }
command -v strace >/dev/null || { echo "installing strace" >&2; apt-get install -y strace >/dev/null; }
[ -x /usr/bin/time ] || { echo "installing GNU time" >&2; apt-get install -y time >/dev/null; }
[ -x "$BIN" ] || swift build -c release
work=$(mktemp -d)  # on the ordinary disk, like --out
trap 'rm -rf "$work"' EXIT
. scripts/mpi-env

for _ in $(seq "$N"); do echo true; done >"$work/tasks.txt"

# churn_disk: creates 20,000 files in a new directory and deletes them all.
churn_disk() {
    python3 - "$work/churn" <<'PY'
import os, shutil, sys
os.mkdir(sys.argv[1])
for i in range(20000):
    os.close(os.open(os.path.join(sys.argv[1], str(i)), os.O_WRONLY | os.O_CREAT, 0o644))
shutil.rmtree(sys.argv[1])
PY
}

# rate NAME TASKS COMMAND...: runs COMMAND REPEATS times, each right after churn_disk;
# prints every rate and the best, and leaves the best tasks/s in $RATE. An argument @OUT@
# becomes a new directory under $work each time.
rate() {
    local name=$1 tasks=$2
    shift 2
    local start end r best=0 i all=""
    for i in $(seq "$REPEATS"); do
        local command=("${@/#@OUT@/$work/run-$name-$i}")
        churn_disk
        start=$(date +%s.%N)
        "${command[@]}" >/dev/null
        end=$(date +%s.%N)
        r=$(awk -v n="$tasks" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", n / (e - s) }')
        all="$all $r"
        best=$(awk -v a="$best" -v b="$r" 'BEGIN { print (b > a ? b : a) }')
    done
    RATE=$best
    printf '%-10s %6.0f tasks/s  (best of%s; %d tasks)\n' "$name" "$RATE" "$all" "$tasks"
}

echo "$N 'true' lines as a task file, 2 at a time; each run right after deleting 20,000 files"
rate mpibatch "$N" mpirun -np 2 "$BIN" run "$work/tasks.txt" --quiet --out @OUT@
mpibatch=$RATE
rate xargs "$N" sh -c "xargs -P 2 -I{} sh -c '{}' < '$work/tasks.txt'"
xargs_rate=$RATE
rate parallel "$N" sh -c "parallel -j2 < '$work/tasks.txt'"
parallel_rate=$RATE

disbatch_note="not measured"
venv=${DISBATCH_VENV:-/tmp/mpibatch-disbatch-venv}
if [ -x "$venv/bin/disBatch" ] || { python3 -m venv "$venv" >/dev/null 2>&1 && "$venv/bin/pip" install -q disbatch >/dev/null 2>&1; }; then
    head -n "$DISBATCH_N" "$work/tasks.txt" >"$work/disbatch-tasks.txt"
    mkdir -p "$work/disbatch"
    REPEATS=1 rate disBatch "$DISBATCH_N" "$venv/bin/disBatch" -s localhost:2 -p "$work/disbatch/" "$work/disbatch-tasks.txt"
    disbatch_note=$(printf '%.0f tasks/s (%d tasks, one run, for reference)' "$RATE" "$DISBATCH_N")
else
    disbatch_note="skipped: pip install disbatch failed in a venv at $venv"
    echo "disBatch: $disbatch_note"
fi

# created OUT TASKS: files created (openat/creat with O_CREAT) by a traced run of TASKS lines.
created() {
    head -n "$2" "$work/tasks.txt" >"$work/traced-$2.txt"
    strace -f -qq -e trace=openat,creat -o "$work/strace-$2.txt" \
        mpirun -np 2 "$BIN" run "$work/traced-$2.txt" --quiet --out "$1" >/dev/null
    grep -E 'creat\(|O_CREAT' "$work/strace-$2.txt" | grep -v ' = -1 ' | grep -cv '/dev/shm\|/tmp/ompi\|pmix\|/proc/' || true
}
few=$((N / 10))
many=$((N / 5))
created_few=$(created "$work/traced-few" "$few")
created_many=$(created "$work/traced-many" "$many")
echo "files created by a whole mpibatch run (strace -f, O_CREAT; MPI's shared-memory files left out):"
echo "  $few tasks: $created_few, $many tasks: $created_many"
grep -E 'creat\(|O_CREAT' "$work/strace-$many.txt" | grep -v ' = -1 ' | grep -v '/dev/shm\|/tmp/ompi\|pmix\|/proc/' |
    sed -E 's/^[0-9]+ +//; s/, O_.*//; s/openat\(AT_FDCWD, //' | sed "s|$work/traced-many|OUT|" | sort | uniq -c | sed 's/^/   /'

# plan of 10^9 tasks (1000 x 1000 x 1000): parameters are computed from the index, never materialised.
printf 'name: billion\nsweep:\n  grid:\n    a: {range: [0, 1000, 1]}\n    b: {linspace: [0, 1, 1000]}\n    c: {logspace: [-3, 3, 1000]}\ntask:\n  command: [echo, "{a}", "{b}", "{c}"]\n' >"$work/billion.yaml"
/usr/bin/time -f "%e %M" -o "$work/plan.time" "$BIN" plan "$work/billion.yaml" >"$work/plan.out"
grep -q "tasks: 1000000000" "$work/plan.out" || { echo "plan did not report 10^9 tasks:"; cat "$work/plan.out"; exit 1; }
read -r plan_seconds plan_kib <"$work/plan.time"

awk -v m="$mpibatch" -v x="$xargs_rate" -v p="$parallel_rate" -v d="$disbatch_note" -v cf="$created_few" -v cm="$created_many" \
    -v ps="$plan_seconds" -v pk="$plan_kib" 'BEGIN {
    printf "\n== Tiny command tasks (true), 2 at a time, right after deleting 20,000 files\n"
    printf "mpibatch -np 2:  %8.0f tasks/s  (--out on the disk, end to end)\n", m
    printf "xargs -P 2:      %8.0f tasks/s\n", x
    printf "parallel -j2:    %8.0f tasks/s\n", p
    printf "disBatch:        %s\n", d
    printf "mpibatch / xargs -P 2:   %.2fx  (target >= 1.2x: %s)\n", m / x, (m / x >= 1.2 ? "met" : "NOT met")
    printf "mpibatch / parallel -j2: %.2fx  (target >= 5x: %s)\n", m / p, (m / p >= 5 ? "met" : "NOT met")
    printf "files created per task:  %s  (%d and %d for the two traced runs)\n", (cf == cm ? "none" : "SOME"), cf, cm
    printf "plan of 10^9 tasks:      %.2f s, %.1f MB max RSS  (target < 1 s and < 50 MB: %s)\n", ps, pk / 1024, (ps < 1 && pk < 50 * 1024 ? "met" : "NOT met")
}'

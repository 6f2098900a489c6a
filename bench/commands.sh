#!/usr/bin/env bash
# Per-task overhead of tiny command tasks (issues 12 and 27): a task file of N `true` lines
# run 2 at a time by
#   mpibatch (mpirun -np 2, --out on the ordinary disk, end to end: start-up included), with
#     plain lines started without bash (the default) and with MPIBATCH_DIRECT_SPAWN=0 (every
#     line in bash, as before issue 27),
#   xargs -P 2 -I{} sh -c '{}', xargs -P 2 -I{} bash -c '{}' and GNU parallel -j2 (all
#     reading the same task file),
#   HyperQueue (PyPI `hyperqueue`: its wheel's LocalCluster runs the server and one worker of
#     2 cores; each line a task of one job, `sh -c LINE`, output off: bench/commands_hyperqueue.py;
#     skipped with a note when it cannot be installed, or HYPERQUEUE=0),
#   disBatch -s localhost:2 (for reference, on DISBATCH_N lines: it is far slower; skipped
#     with a note when `pip install disbatch` does not work in a venv, or DISBATCH_N=0),
# each on an idle disk and right after deleting a directory of 20,000 files on the same disk,
# with no wait for the disk to settle (what a test suite or an earlier run leaves it doing).
# Then N lines with bash syntax (`true > /dev/null`) by mpibatch against xargs ... bash -c.
# The best of REPEATS runs counts (default 3). Targets: mpibatch >= 1.2x xargs sh and >= 5x
# parallel; with the direct path off, and for bash syntax, >= 0.95x xargs bash.
# Then: where a `true` task's system calls go (strace -c -f of SYSCALL_N lines, default 2000,
# each way, per task), the files mpibatch creates (openat/creat with O_CREAT, every process
# of the run: mpirun, ranks, tasks) for N/10 and N/5 tasks (the default mode creates none per
# task, so both counts are the same), and `mpibatch plan` of a 10^9-task grid (< 1 s, < 50 MB).
# Prints `uptime` before and after: the figures mean something only on an idle machine.
#
#   bench/commands.sh [N]          (default N=10000; BIN=path/to/mpibatch to override)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
REPEATS=${REPEATS:-3}
DISBATCH_N=${DISBATCH_N:-300}
SYSCALL_N=${SYSCALL_N:-2000}
BIN=${BIN:-.build/release/mpibatch}
scripts/install-deps --tools
[ -x /usr/bin/time ] || { echo "installing GNU time" >&2; apt-get install -y time >/dev/null; }
[ -x "$BIN" ] || swift build -c release
work=$(mktemp -d)  # on the ordinary disk, like --out
trap 'rm -rf "$work"' EXIT
. scripts/mpi-env
echo "uptime before: $(uptime)"

for _ in $(seq "$N"); do echo true; done >"$work/tasks.txt"
for _ in $(seq "$N"); do echo 'true > /dev/null'; done >"$work/bash-tasks.txt"

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

# rate NAME DISK TASKS COMMAND...: runs COMMAND REPEATS times, each right after churn_disk
# when DISK is `churned` (after a sync when it is `idle`); prints every rate and the best,
# and leaves the best tasks/s in $RATE. An argument @OUT@ becomes a new directory under
# $work each time.
rate() {
    local name=$1 disk=$2 tasks=$3
    shift 3
    local start end r best=0 i all=""
    for i in $(seq "$REPEATS"); do
        local command=("${@/#@OUT@/$work/run-$name-$disk-$i}")
        if [ "$disk" = churned ]; then churn_disk; else sync; sleep 1; fi
        start=$(date +%s.%N)
        "${command[@]}" >/dev/null
        end=$(date +%s.%N)
        r=$(awk -v n="$tasks" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", n / (e - s) }')
        all="$all $r"
        best=$(awk -v a="$best" -v b="$r" 'BEGIN { print (b > a ? b : a) }')
    done
    RATE=$best
    printf '%-22s %-8s %6.0f tasks/s  (best of%s; %d tasks)\n' "$name" "$disk" "$RATE" "$all" "$tasks"
}

hyperqueue_venv=${HYPERQUEUE_VENV:-/tmp/mpibatch-hyperqueue-venv}
hyperqueue_note=""
if [ "${HYPERQUEUE:-1}" = 0 ]; then
    hyperqueue_note="skipped (HYPERQUEUE=0)"
elif ! [ -x "$hyperqueue_venv/bin/python3" ] &&
    ! { python3 -m venv "$hyperqueue_venv" >/dev/null 2>&1 && "$hyperqueue_venv/bin/pip" install -q hyperqueue >/dev/null 2>&1; }; then
    hyperqueue_note="skipped: pip install hyperqueue failed in a venv at $hyperqueue_venv"
fi

declare -A rates
rates[hyperqueue-idle]=0 rates[hyperqueue-churned]=0
for disk in idle churned; do
    echo "$N 'true' lines as a task file, 2 at a time, $disk disk"
    rate mpibatch "$disk" "$N" mpirun -np 2 "$BIN" run "$work/tasks.txt" --quiet --out @OUT@
    rates[mpibatch-$disk]=$RATE
    rate mpibatch-bash "$disk" "$N" mpirun -np 2 -x MPIBATCH_DIRECT_SPAWN=0 "$BIN" run "$work/tasks.txt" --quiet --out @OUT@
    rates[mpibatch-bash-$disk]=$RATE
    rate xargs-sh "$disk" "$N" sh -c "xargs -P 2 -I{} sh -c '{}' < '$work/tasks.txt'"
    rates[xargs-sh-$disk]=$RATE
    rate xargs-bash "$disk" "$N" sh -c "xargs -P 2 -I{} bash -c '{}' < '$work/tasks.txt'"
    rates[xargs-bash-$disk]=$RATE
    rate parallel "$disk" "$N" sh -c "parallel -j2 < '$work/tasks.txt'"
    rates[parallel-$disk]=$RATE
    if [ -z "$hyperqueue_note" ]; then
        rate hyperqueue "$disk" "$N" sh -c "'$hyperqueue_venv/bin/python3' bench/commands_hyperqueue.py '$work/tasks.txt' 2 2>/dev/null"
        rates[hyperqueue-$disk]=$RATE
    fi
    rate mpibatch-syntax "$disk" "$N" mpirun -np 2 "$BIN" run "$work/bash-tasks.txt" --quiet --out @OUT@
    rates[mpibatch-syntax-$disk]=$RATE
    rate xargs-bash-syntax "$disk" "$N" sh -c "xargs -P 2 -I{} bash -c '{}' < '$work/bash-tasks.txt'"
    rates[xargs-bash-syntax-$disk]=$RATE
done

disbatch_note="not measured"
venv=${DISBATCH_VENV:-/tmp/mpibatch-disbatch-venv}
if [ "$DISBATCH_N" -eq 0 ]; then
    disbatch_note="skipped (DISBATCH_N=0)"
elif [ -x "$venv/bin/disBatch" ] || { python3 -m venv "$venv" >/dev/null 2>&1 && "$venv/bin/pip" install -q disbatch >/dev/null 2>&1; }; then
    head -n "$DISBATCH_N" "$work/tasks.txt" >"$work/disbatch-tasks.txt"
    mkdir -p "$work/disbatch"
    REPEATS=1 rate disBatch churned "$DISBATCH_N" "$venv/bin/disBatch" -s localhost:2 -p "$work/disbatch/" "$work/disbatch-tasks.txt"
    disbatch_note=$(printf '%.0f tasks/s (%d tasks, one run, churned disk, for reference)' "$RATE" "$DISBATCH_N")
else
    disbatch_note="skipped: pip install disbatch failed in a venv at $venv"
    echo "disBatch: $disbatch_note"
fi

# syscalls SWITCH: per-task system calls of a whole run of SYSCALL_N `true` lines (strace -c
# -f: mpirun, ranks and tasks), with MPIBATCH_DIRECT_SPAWN=SWITCH; the total, then the ten
# most frequent.
syscalls() {
    head -n "$SYSCALL_N" "$work/tasks.txt" >"$work/syscall-tasks.txt"
    strace -c -f -o "$work/syscalls-$1.txt" mpirun -np 2 -x MPIBATCH_DIRECT_SPAWN="$1" "$BIN" run "$work/syscall-tasks.txt" \
        --quiet --out "$work/syscalls-run-$1" >/dev/null
    awk -v n="$SYSCALL_N" '$NF == "total" { printf "  total %.1f a task\n", $(NF - 2) / n }
        /^ *[0-9.]+ +[0-9.]+ +[0-9]+ +[0-9]+/ && $NF != "total" { calls[$NF] = $4 }
        END { for (c in calls) printf "  %-16s %7.2f\n", c, calls[c] / n }' "$work/syscalls-$1.txt" |
        sort -k2 -rn | head -n 11
}
syscalls_on=$(syscalls 1)
syscalls_off=$(syscalls 0)

# created OUT TASKS: files created (openat/creat with O_CREAT) by a traced run of TASKS lines,
# leaving out the live status.json and report.html, rewritten (a temporary each time) about
# once a second however many tasks run: a longer run makes more of them, not a bigger one.
created() {
    head -n "$2" "$work/tasks.txt" >"$work/traced-$2.txt"
    strace -f -qq -e trace=openat,creat -o "$work/strace-$2.txt" \
        mpirun -np 2 "$BIN" run "$work/traced-$2.txt" --quiet --out "$1" >/dev/null
    grep -E 'creat\(|O_CREAT' "$work/strace-$2.txt" | grep -v ' = -1 ' | grep -v '/dev/shm\|/tmp/ompi\|pmix\|/proc/' |
        grep -cv '/status\.json\.tmp-\|/report\.html\.tmp-' || true
}
few=$((N / 10))
many=$((N / 5))
created_few=$(created "$work/traced-few" "$few")
created_many=$(created "$work/traced-many" "$many")
echo "files created by a whole mpibatch run (strace -f, O_CREAT; MPI's shared-memory files and the live status's rewrites left out):"
echo "  $few tasks: $created_few, $many tasks: $created_many"
grep -E 'creat\(|O_CREAT' "$work/strace-$many.txt" | grep -v ' = -1 ' | grep -v '/dev/shm\|/tmp/ompi\|pmix\|/proc/' |
    sed -E 's/^[0-9]+ +//; s/, O_.*//; s/openat\(AT_FDCWD, //' | sed "s|$work/traced-many|OUT|" | sort | uniq -c | sed 's/^/   /'

# plan of 10^9 tasks (1000 x 1000 x 1000): parameters are computed from the index, never materialised.
printf 'name: billion\nsweep:\n  grid:\n    a: {range: [0, 1000, 1]}\n    b: {linspace: [0, 1, 1000]}\n    c: {logspace: [-3, 3, 1000]}\ntask:\n  command: [echo, "{a}", "{b}", "{c}"]\n' >"$work/billion.yaml"
/usr/bin/time -f "%e %M" -o "$work/plan.time" "$BIN" plan "$work/billion.yaml" >"$work/plan.out"
grep -q "tasks: 1000000000" "$work/plan.out" || { echo "plan did not report 10^9 tasks:"; cat "$work/plan.out"; exit 1; }
read -r plan_seconds plan_kib <"$work/plan.time"

echo
echo "uptime after: $(uptime)"
echo
echo "== Tiny command tasks ($N lines), 2 at a time: tasks/s, best of $REPEATS"
printf '| %-52s | %9s | %9s |\n' runner "idle disk" "churned"
printf '| %-52s | %9s | %9s |\n' --- ---: ---:
row() { printf '| %-52s | %9.0f | %9.0f |\n' "$1" "${rates[$2-idle]}" "${rates[$2-churned]}"; }
row "mpibatch -np 2, true (plain lines without bash)" mpibatch
row "mpibatch -np 2, true, MPIBATCH_DIRECT_SPAWN=0" mpibatch-bash
row "xargs -P 2 -I{} sh -c '{}'" xargs-sh
row "xargs -P 2 -I{} bash -c '{}'" xargs-bash
row "parallel -j2" parallel
[ -z "$hyperqueue_note" ] && row "HyperQueue $("$hyperqueue_venv/bin/pip" show hyperqueue 2>/dev/null | awk '/^Version/ { print $2 }') (LocalCluster, 2 cores, sh -c, output off)" hyperqueue
[ -n "$hyperqueue_note" ] && echo "HyperQueue: $hyperqueue_note"
row "mpibatch -np 2, true > /dev/null (bash syntax)" mpibatch-syntax
row "xargs -P 2 -I{} bash -c '{}', true > /dev/null" xargs-bash-syntax
echo "disBatch: $disbatch_note"
echo
# ratio NAME A B TARGET: A / B on each disk against TARGET.
ratio() {
    local disk
    for disk in idle churned; do
        awk -v name="$1" -v d="$disk" -v a="${rates[$2-$disk]}" -v b="${rates[$3-$disk]}" -v t="$4" \
            'BEGIN { printf "%-44s %-8s %5.2fx  (target >= %sx: %s)\n", name, d, a / b, t, (a / b >= t ? "met" : "NOT met") }'
    done
}
ratio "mpibatch / xargs sh" mpibatch xargs-sh 1.2
ratio "mpibatch / parallel" mpibatch parallel 5
if [ -z "$hyperqueue_note" ]; then
    for disk in idle churned; do
        awk -v d="$disk" -v a="${rates[mpibatch-$disk]}" -v b="${rates[hyperqueue-$disk]}" \
            'BEGIN { printf "%-44s %-8s %5.2fx  (printed beside, no target)\n", "mpibatch / HyperQueue", d, a / b }'
    done
fi
ratio "mpibatch (direct off) / xargs bash" mpibatch-bash xargs-bash 0.95
ratio "mpibatch / xargs bash, bash syntax" mpibatch-syntax xargs-bash-syntax 0.95
echo
echo "system calls per task, every process of a run of $SYSCALL_N true lines (strace -c -f):"
echo " plain lines without bash:"
echo "$syscalls_on"
echo " MPIBATCH_DIRECT_SPAWN=0 (bash):"
echo "$syscalls_off"
echo
awk -v cf="$created_few" -v cm="$created_many" -v ps="$plan_seconds" -v pk="$plan_kib" 'BEGIN {
    printf "files created per task:  %s  (%d and %d for the two traced runs)\n", (cf == cm ? "none" : "SOME"), cf, cm
    printf "plan of 10^9 tasks:      %.2f s, %.1f MB max RSS  (target < 1 s and < 50 MB: %s)\n", ps, pk / 1024, (ps < 1 && pk < 50 * 1024 ? "met" : "NOT met")
}'

#!/usr/bin/env bash
# Monte Carlo throughput: GBM paths of 64 steps (S0=42 K=40 r=0.10 σ=0.20
# T=0.5, so every path draws 64 standard normals), for the European call
# (gbm-european-call) and the arithmetic-average Asian call (gbm-asian-call),
# in ONE script run (the machine is shared: compare ratios, not absolutes):
#   mpibatch under mpirun -np 2 (--slots 1 per rank: 2 cores), vs
#   bench/montecarlo_numpy_vectorised.py: vectorised numpy, 2 processes, blocks
#     of 65,536 paths, SeedSequence.spawn per block, standard_normal((m, 64))
#     (the fastest idiomatic Python; target: mpibatch >= 3x), vs
#   bench/montecarlo_numpy_peer.py: seed 004's design, ProcessPoolExecutor(2),
#     one path per task;
# then mpibatch on one core (np=1 --slots 1) in normals per second (target
# >= 200 M). Path counts are calibrated by a short probe so each timed run lasts
# >= 3 s. Times are wall clock around the whole command (mpirun start-up
# included for mpibatch; the Python peers time themselves from
# SeedSequence.spawn to the last result). numpy runs with OPENBLAS_CORETYPE and
# OPENBLAS_L2_SIZE unset (this machine's environment sets them; they slow numpy).
#
# mpibatch is the default build, what `make install` gives (BIN=path to
# override): baseline x86-64, whose normal generation (Philox and Box–Muller,
# clanes_fill_normals) also has an AVX2 copy the loader picks on CPUs that have
# it. If a build for this CPU exists (`make build TARGET_CPU=native`, which
# compiles the kernels' own arithmetic for it too), its single-core figure is
# printed as well; both give the same estimates bit for bit.
#   bench/montecarlo.sh            (SECONDS_PER_RUN=4; PYTHON_PEER=0 skips seed 004's design)
#   bench/montecarlo.sh --alloc    also the allocation check below
#
# Allocation check (issue 4 item 5: no per-path allocation in the inner loop).
# Method: an LD_PRELOAD shim (gcc, built into a temp dir) counts every malloc,
# calloc, realloc, memalign, aligned_alloc and posix_memalign call of the
# process; mpibatch runs alone (MPI singleton) with --slots 1 on the same
# 64-step job at 10^5, 10^6 and 10^7 paths with the number of blocks held at 25
# (block = paths / 24.4), and at 10^6 paths with the default 4096-path blocks:
#   LD_PRELOAD=$tmp/count.so mpibatch run alloc.yaml --slots 1 --quiet
# Result on this machine (Debian 12, Swift 6.3.1, default release build,
# 2026-12-02; counts vary by a few hundred between runs with start-up, never
# with paths):
#   10^5 paths,  25 blocks of   4096: 34,389 allocations
#   10^6 paths,  25 blocks of  40960: 34,430
#   10^7 paths,  25 blocks of 409600: 34,490   -> flat in paths: none per path
#   10^6 paths, 245 blocks of   4096: 44,288   -> about 45 per block, none inside
#   a block's path loop. Where they are (perf probe on malloc, call graphs): the
#   end of the run's one pass over the journal (each block's line decoded for the
#   report and the timeline: keys, strings, numbers), then the block's result
#   message, journal line and task record.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/mpibatch}
NATIVE_BIN=.build-native/release/mpibatch
TARGET_SECONDS=${SECONDS_PER_RUN:-4}
if [ ! -x "$BIN" ]; then
    make build >&2
fi
python3 -c 'import numpy' 2>/dev/null || { echo "installing numpy" >&2; pip install numpy >/dev/null; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. scripts/mpi-env
STEPS=64

job() { # job KERNEL PATHS [BLOCK]: writes $work/KERNEL-PATHS.yaml
    printf 'name: gbm-bench\nmontecarlo:\n  kernel: gbm-%s-call\n  params: {s0: 42, k: 40, r: 0.10, sigma: 0.20, t: 0.5, steps: %d}\n  paths: %d\n  block: %d\n  seed: 2024\n' \
        "$1" "$STEPS" "$2" "${3:-4096}" >"$work/$1-$2.yaml"
    echo "$work/$1-$2.yaml"
}

now() { date +%s.%N; }

# mpibatch BINARY KERNEL NP PATHS: runs it with one slot per rank; sets SECS (wall clock) and EST.
mpibatch() {
    local bin=$1 kernel=$2 np=$3 paths=$4 file start out
    file=$(job "$kernel" "$paths")
    out="$work/run-$kernel-$np-$paths-$RANDOM"
    start=$(now)
    mpirun --oversubscribe -np "$np" "$bin" run "$file" --slots 1 --out "$out" --quiet
    SECS=$(awk -v s="$start" -v e="$(now)" 'BEGIN { print e - s }')
    read -r EST RUN_SECS < <(python3 -c "import json; s = json.load(open('$out/summary.json')); print(round(s['estimate'], 4), s['wall_seconds'])")
    rm -rf "$out"
}

# python SCRIPT KERNEL PATHS: runs a Python peer on 2 processes; sets SECS and EST.
python() {
    local start line
    start=$(now)
    line=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 "$1" "$3" --kernel "$2" --workers 2)
    SECS=$(awk -v s="$start" -v e="$(now)" 'BEGIN { print e - s }')
    EST=$(echo "$line" | sed -n 's/.*estimate=\([0-9.]*\).*/\1/p')
    RUN_SECS=$SECS
}

# calibrated PATHS SECS: the path count that makes a run of PATHS paths that
# took SECS last TARGET_SECONDS (never fewer than PATHS).
calibrated() {
    awk -v p="$1" -v s="$2" -v t="$TARGET_SECONDS" 'BEGIN { n = p * t / s; printf "%d\n", (n < p ? p : n) }'
}

# timed RUNNER ARGS... PROBE_PATHS: runs RUNNER with more paths until a run lasts
# >= 3 s (a probe, then calibrated runs; a shared machine can slow a probe
# down); sets PATHS, SECS and EST from the last run.
timed() {
    local probe=${*: -1} runner=("${@:1:$#-1}") tries=0
    PATHS=$probe
    "${runner[@]}" "$PATHS"
    while awk -v s="$SECS" 'BEGIN { exit !(s < 3) }' && [ $tries -lt 4 ]; do
        PATHS=$(calibrated "$PATHS" "$SECS")
        "${runner[@]}" "$PATHS"
        tries=$((tries + 1))
    done
}

# row LABEL CORES: one table row from PATHS, SECS, RUN_SECS, EST; sets RATE
# (paths/s, end to end) and RUN_RATE (paths/s within the run: summary.json's
# wall_seconds, without mpirun's start-up; the same as RATE for Python).
row() {
    RATE=$(awk -v p="$PATHS" -v s="$SECS" 'BEGIN { print p / s }')
    RUN_RATE=$(awk -v p="$PATHS" -v s="$RUN_SECS" 'BEGIN { print p / s }')
    awk -v l="$1" -v c="$2" -v p="$PATHS" -v s="$SECS" -v e="$EST" -v r="$RATE" -v rr="$RUN_RATE" -v steps="$STEPS" 'BEGIN {
        printf "| %-46s | %5d | %11d | %6.2f | %13.0f | %10.1f M | %10.1f M | %s |\n", l, c, p, s, r, r * steps / c / 1e6, rr * steps / c / 1e6, e }'
}

echo "GBM calls, $STEPS steps per path; each timed run calibrated to ~${TARGET_SECONDS} s; $(nproc) cores"
echo "mpibatch: $BIN"
for kernel in european asian; do
    echo
    echo "== $kernel call"
    echo "| runner                                         | cores |       paths |   secs |       paths/s | normals/s/core | in-run normals/s/core | estimate |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
    timed mpibatch "$BIN" "$kernel" 2 4000000
    row "mpibatch -np 2" 2
    m_rate=$RATE
    timed python bench/montecarlo_numpy_vectorised.py "$kernel" 500000
    row "numpy vectorised, 2 processes" 2
    v_rate=$RATE
    if [ "${PYTHON_PEER:-1}" = 1 ]; then
        timed python bench/montecarlo_numpy_peer.py "$kernel" 3000
        row "seed 004: one path per task, 2 processes" 2
        s_rate=$RATE
    else
        s_rate=0
    fi
    timed mpibatch "$BIN" "$kernel" 1 2000000
    row "mpibatch -np 1 --slots 1" 1
    one_rate=$RATE one_run_rate=$RUN_RATE
    if [ -x "$NATIVE_BIN" ] && [ "$NATIVE_BIN" != "$BIN" ]; then
        timed mpibatch "$NATIVE_BIN" "$kernel" 1 2000000
        row "mpibatch TARGET_CPU=native -np 1 --slots 1" 1
    fi
    awk -v m="$m_rate" -v v="$v_rate" -v s="$s_rate" -v one="$one_rate" -v run="$one_run_rate" -v steps="$STEPS" -v k="$kernel" 'BEGIN {
        printf "mpibatch / vectorised numpy: %.2fx (target >= 3x: %s)\n", m / v, (m / v >= 3 ? "met" : "NOT met")
        if (s > 0) printf "mpibatch / seed 004 design:  %.0fx\n", m / s
        printf "mpibatch one core: %.0f M normals/s end to end, %.0f M within the run", one * steps / 1e6, run * steps / 1e6
        if (k == "european") printf " (target >= 200 M end to end: %s)", (one * steps >= 2e8 ? "met" : "NOT met")
        printf "\n"
    }'
done

[ "${1:-}" = --alloc ] || exit 0

# The allocation check described at the top.
command -v gcc >/dev/null || apt-get install -y gcc >/dev/null
cat >"$work/count.c" <<'EOF'
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
static unsigned long calls;
#define COUNT() __atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED)
void *malloc(size_t n) { COUNT(); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { COUNT(); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { COUNT(); return __libc_realloc(p, n); }
void *memalign(size_t a, size_t n) { COUNT(); return __libc_memalign(a, n); }
void *aligned_alloc(size_t a, size_t n) { COUNT(); return __libc_memalign(a, n); }
int posix_memalign(void **p, size_t a, size_t n) { COUNT(); *p = __libc_memalign(a, n); return *p ? 0 : 12; }
__attribute__((destructor)) static void report(void) {
    char name[64] = "", line[160];
    FILE *f = fopen("/proc/self/comm", "r");
    if (f) { if (fgets(name, sizeof name, f)) name[strcspn(name, "\n")] = 0; fclose(f); }
    int n = snprintf(line, sizeof line, "allocations %s %lu\n", name, calls);
    write(2, line, n);
}
EOF
gcc -O2 -shared -fPIC -o "$work/count.so" "$work/count.c"
echo
echo "== Allocations of one mpibatch process (--slots 1), by paths and blocks"
for config in "100000 4096" "1000000 40960" "10000000 409600" "1000000 4096"; do
    read -r paths block <<<"$config"
    file=$(job european "$paths" "$block")
    count=$(LD_PRELOAD="$work/count.so" "$BIN" run "$file" --slots 1 --out "$work/alloc-$paths-$block" --quiet 2>&1 |
        awk '$1 == "allocations" && $2 == "mpibatch" { print $3 }')
    printf "%9d paths in %4d blocks of %6d: %7d allocations\n" "$paths" $(((paths + block - 1) / block)) "$block" "$count"
done

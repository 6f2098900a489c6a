#!/usr/bin/env bash
# Monte Carlo throughput: GBM paths of 64 steps (gbm-european-call, S0=42 K=40
# r=0.10 σ=0.20 T=0.5, so every path draws 64 standard normals), in one run:
#   mpibatch under mpirun -np 2, vs
#   bench/montecarlo_numpy_peer.py: ProcessPoolExecutor(2), one path per task,
#     numpy SeedSequence child streams (what users write by hand),
# printing paths/s for both and their ratio (target: mpibatch >= 20x), then
# mpibatch's single-core throughput (np=1 --slots 1) in normals per second.
# Path counts are calibrated by a short probe so each timed run lasts >= 3 s.
# Times are wall clock around the whole command (mpirun start-up included for
# mpibatch; the peer times itself from SeedSequence.spawn to the last result).
#
#   bench/montecarlo.sh            (BIN=path/to/mpibatch to override; SECONDS_PER_RUN=4)
#   bench/montecarlo.sh --alloc    also the allocation check below
#
# Allocation check (issue 4 item 5: no per-path allocation in the inner loop).
# Method: an LD_PRELOAD shim (gcc, built into a temp dir) counts every malloc,
# calloc, realloc, memalign, aligned_alloc and posix_memalign call of the
# process; mpibatch runs alone (MPI singleton) with --slots 1 on the same
# 64-step job at 10^5, 10^6 and 10^7 paths with the number of blocks held at 25
# (block = paths / 24.4), and at 10^6 paths with the default 4096-path blocks:
#   LD_PRELOAD=$tmp/count.so mpibatch run alloc.yaml --slots 1 --quiet
# Result on this machine (Debian 12, Swift 6.3, release build; counts vary by
# a few hundred between runs with start-up, never with paths):
#   10^5 paths,  25 blocks of   4096: 31,259 allocations
#   10^6 paths,  25 blocks of  40960: 31,309
#   10^7 paths,  25 blocks of 409600: 31,393   -> flat in paths: none per path
#   10^6 paths, 245 blocks of   4096: 32,582   -> about 6 per block (result
#   message, journal line, task record), none inside a block's path loop.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/mpibatch}
TARGET_SECONDS=${SECONDS_PER_RUN:-4}
[ -x "$BIN" ] || swift build -c release
python3 -c 'import numpy' 2>/dev/null || { echo "installing numpy" >&2; apt-get install -y python3-numpy >/dev/null; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. scripts/mpi-env
STEPS=64

job() { # job PATHS [BLOCK]: writes $work/gbm-PATHS.yaml
    printf 'name: gbm-bench\nmontecarlo:\n  kernel: gbm-european-call\n  params: {s0: 42, k: 40, r: 0.10, sigma: 0.20, t: 0.5, steps: %d}\n  paths: %d\n  block: %d\n  seed: 2024\n' \
        "$STEPS" "$1" "${2:-4096}" >"$work/gbm-$1.yaml"
    echo "$work/gbm-$1.yaml"
}

now() { date +%s.%N; }

# mpibatch NP SLOTS PATHS: runs it; sets SECS (wall clock) and EST (estimate).
mpibatch() {
    local np=$1 slots=$2 paths=$3 file start
    file=$(job "$paths")
    start=$(now)
    mpirun --oversubscribe -np "$np" "$BIN" run "$file" --slots "$slots" --out "$work/run-$np-$paths" --quiet
    SECS=$(awk -v s="$start" -v e="$(now)" 'BEGIN { print e - s }')
    EST=$(python3 -c "import json; print(round(json.load(open('$work/run-$np-$paths/summary.json'))['estimate'], 4))")
}

# peer PATHS: runs the Python peer; sets SECS and EST.
peer() {
    local start line
    start=$(now)
    line=$(python3 bench/montecarlo_numpy_peer.py "$1" --workers 2)
    SECS=$(awk -v s="$start" -v e="$(now)" 'BEGIN { print e - s }')
    EST=$(echo "$line" | sed -n 's/.*estimate=\([0-9.]*\).*/\1/p')
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

echo "GBM European call, $STEPS steps per path; each timed run calibrated to ~${TARGET_SECONDS} s"

timed mpibatch 2 1 1000000
m_paths=$PATHS m_secs=$SECS m_est=$EST
timed peer 3000
p_paths=$PATHS p_secs=$SECS p_est=$EST
timed mpibatch 1 1 500000
s_paths=$PATHS s_secs=$SECS s_est=$EST

awk -v mp="$m_paths" -v ms="$m_secs" -v me="$m_est" -v pp="$p_paths" -v ps="$p_secs" -v pe="$p_est" \
    -v sp="$s_paths" -v ss="$s_secs" -v se="$s_est" -v steps="$STEPS" 'BEGIN {
    mr = mp / ms; pr = pp / ps; sr = sp / ss
    printf "\n== Monte Carlo throughput (Black-Scholes 4.7594)\n"
    printf "mpibatch -np 2:                 %11d paths in %6.2f s = %11.0f paths/s  (estimate %s)\n", mp, ms, mr, me
    printf "python ProcessPoolExecutor(2):  %11d paths in %6.2f s = %11.0f paths/s  (estimate %s)\n", pp, ps, pr, pe
    printf "mpibatch / python:              %.0fx  (target >= 20x: %s)\n", mr / pr, (mr / pr >= 20 ? "met" : "NOT met")
    printf "mpibatch single core (np=1 --slots 1): %.0f paths/s = %.3g normals/s (%d per path)\n", sr, sr * steps, steps
}'

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
    file=$(job "$paths" "$block")
    count=$(LD_PRELOAD="$work/count.so" "$BIN" run "$file" --slots 1 --out "$work/alloc-$paths-$block" --quiet 2>&1 |
        awk '$1 == "allocations" && $2 == "mpibatch" { print $3 }')
    printf "%9d paths in %4d blocks of %6d: %7d allocations\n" "$paths" $(((paths + block - 1) / block)) "$block" "$count"
done

# Monte Carlo paths (issue 4's acceptance), sourced by run-all: uses its
# check/expect_status helpers and $BIN, $WORK, $MPIRUN, $HERE.
# Functions are prefixed mc_ so they do not clash with other more-*.sh files.

# mc_fields DIR: summary.json's Monte Carlo numbers exactly as written (the raw
# JSON text, not re-parsed floats), one `key=value` per line, so that runs can
# be compared byte for byte.
mc_fields() {
    python3 - "$1/summary.json" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
for key in ["paths", "estimate", "stderr", "ci95_low", "ci95_high", "min", "max", "blocks", "blocks_total", "target_met"]:
    match = re.search(r'"%s":\s*([^,}\s]+)' % key, text)
    if match:
        print(f"{key}={match.group(1)}")
EOF
}

# mc_within_sigmas DIR REFERENCE N: |estimate − REFERENCE| ≤ N standard errors.
mc_within_sigmas() {
    python3 - "$1/summary.json" "$2" "$3" <<'EOF'
import json, sys
summary = json.load(open(sys.argv[1]))
reference, sigmas = float(sys.argv[2]), float(sys.argv[3])
estimate, stderr = summary["estimate"], summary["stderr"]
print(f"estimate {estimate:.6f} ± {stderr:.6f} ({summary['paths']} paths), reference {reference:.6f}, "
      f"{(estimate - reference) / stderr:+.2f} standard errors")
assert stderr > 0 and abs(estimate - reference) <= sigmas * stderr
EOF
}

# gbm-european-call, S0=42 K=40 r=0.10 σ=0.20 T=0.5, 10^7 paths at np=2:
# within 3 standard errors of Black–Scholes (computed here independently).
mc_black_scholes() {
    local out="$WORK/mc-option-pricing"
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run jobs/option-pricing.yaml --out "$out" --quiet || return 1
    local reference
    reference=$(python3 -c "
from math import erf, exp, log, sqrt
s, k, r, v, t = 42.0, 40.0, 0.10, 0.20, 0.5
d1 = (log(s / k) + (r + v * v / 2) * t) / (v * sqrt(t)); d2 = d1 - v * sqrt(t)
n = lambda x: 0.5 * (1 + erf(x / sqrt(2)))
print(repr(s * n(d1) - k * exp(-r * t) * n(d2)))")
    python3 -c "
import json; s = json.load(open('$out/summary.json'))
assert s['paths'] == 10**7, s['paths']
assert abs(s['black_scholes'] - $reference) < 1e-9, (s['black_scholes'], $reference)
assert abs($reference - 4.7594) < 5e-5" || return 1
    mc_within_sigmas "$out" "$reference" 3
}
check "montecarlo: gbm-european-call at 10^7 paths, np=2, within 3 stderr of Black-Scholes 4.7594" mc_black_scholes

mc_pi() {
    local out="$WORK/mc-pi"
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run jobs/pi.yaml --out "$out" --quiet || return 1
    mc_within_sigmas "$out" 3.141592653589793 3
}
check "montecarlo: pi within 3 stderr of pi" mc_pi

# The same job at np=1, 2, 3 (oversubscribed on 2 cores), several --slots and
# every chunk policy: byte-identical estimate, stderr, interval and path count.
mc_reproducible() { # JOB NAME
    local job=$1 name=$2 first="" config np chunk slots out
    for config in "1 auto -" "1 static 2" "2 auto -" "2 static -" "2 guided -" "2 dynamic 2" "3 auto -" "3 guided 1"; do
        read -r np chunk slots <<<"$config"
        out="$WORK/mc-$name-np$np-$chunk-$slots"
        local extra=()
        [ "$slots" = - ] || extra=(--slots "$slots")
        expect_status 0 "${MPIRUN[@]}" -np "$np" "$BIN" run "$job" --out "$out" --chunk "$chunk" "${extra[@]}" --quiet || return 1
        mc_fields "$out" >"$out.fields"
        grep -q '^paths=' "$out.fields" && grep -q '^estimate=' "$out.fields" || { cat "$out/summary.json"; return 1; }
        if [ -z "$first" ]; then
            first="$out.fields"
            cat "$first"
        elif ! cmp -s "$first" "$out.fields"; then
            echo "np=$np --chunk $chunk --slots $slots differs from the first run:"
            diff "$first" "$out.fields"
            return 1
        fi
    done
}
mc_reproducible_blocks() { mc_reproducible "$HERE/mc-repro.yaml" repro; }
check "montecarlo: np=1,2,3 x chunk auto/static/guided/dynamic x slots: byte-identical estimate, stderr, paths" mc_reproducible_blocks

# With a precision target, also the same path count; the target is met well
# before the cap, on a whole number of blocks.
mc_reproducible_target() {
    mc_reproducible "$HERE/mc-target.yaml" target || return 1
    local out="$WORK/mc-target-np2-auto--"
    python3 -c "
import json; s = json.load(open('$out/summary.json'))
assert s['target_met'] is True, s.get('target_met')
assert s['stderr'] <= 0.004, s['stderr']
assert s['paths'] < 50_000_000 and s['paths'] % 2000 == 0, s['paths']
assert s['blocks'] == s['blocks_total'] == s['paths'] // 2000, (s['blocks'], s['blocks_total'])
# stops soon after the target: not the whole 50M-path cap
assert s['wall_seconds'] < 30, s['wall_seconds']"
}
check "montecarlo: precision target: same path count for every np, chunk policy and slots" mc_reproducible_target

# Every Monte Carlo example in jobs/ runs at np=2; the first-passage mean is ⌈b⌉² = 400.
mc_examples_run() {
    local job name
    for job in jobs/asian.yaml jobs/option-precision.yaml jobs/first-passage.yaml; do
        name=$(basename "$job" .yaml)
        expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$job" --out "$WORK/mc-example-$name" --quiet || { echo "$job failed"; return 1; }
    done
    python3 -c "
import json; s = json.load(open('$WORK/mc-example-option-precision/summary.json'))
assert s['target_met'] is True and s['stderr'] <= 0.002, s
assert abs(s['estimate'] - s['black_scholes']) <= 3 * s['stderr'], s" || return 1
    python3 -c "
import json; s = json.load(open('$WORK/mc-example-asian/summary.json'))
assert 2.5 < s['estimate'] < 4.7594, s['estimate']  # an average-price call is worth less than the European one" || return 1
    mc_within_sigmas "$WORK/mc-example-first-passage" 400 3
}
check "montecarlo: jobs/asian, option-precision, first-passage run at np=2 with sane values" mc_examples_run

# A NaN path is reported with the path index and seed that reproduce it; exit 1.
mc_nan_context() {
    local out="$WORK/mc-nan"
    expect_status 1 "${MPIRUN[@]}" -np 2 "$BIN" run "$HERE/mc-nan.yaml" --out "$out" --quiet || return 1
    python3 -c "
import json; s = json.load(open('$out/summary.json'))
errors = {f['index']: f['error'] for f in s['failures']}
assert s['tasks_failed'] == 4, s['tasks_failed']
assert 'path 0 (seed 5)' in errors[0] and 'NaN' in errors[0], errors
assert 'path 15000 (seed 5)' in errors[3], errors"
}
check "montecarlo: a NaN path names its path index and seed, exit 1" mc_nan_context

# Unknown kernels and bad parameters: path:line:col, exit 2, nothing run.
mc_bad_input() {
    local job
    for job in mc-bad-kernel mc-bad-param; do
        expect_status 2 "$BIN" validate "$HERE/$job.yaml" 2>"$WORK/$job.err" || return 1
        grep -q "$job.yaml:[0-9]*:[0-9]*: montecarlo\." "$WORK/$job.err" || { cat "$WORK/$job.err"; return 1; }
        expect_status 2 "${MPIRUN[@]}" -np 2 "$BIN" run "$HERE/$job.yaml" --out "$WORK/$job" 2>/dev/null || return 1
        [ ! -e "$WORK/$job" ] || { echo "$job: output directory created"; return 1; }
    done
    grep -q "unknown Monte Carlo kernel 'gbm-europian-call'" "$WORK/mc-bad-kernel.err" &&
        grep -q "sigma" "$WORK/mc-bad-param.err"
}
check "montecarlo: unknown kernel / bad parameter: path:line:col, exit 2, nothing run" mc_bad_input

# Examples/CustomKernel: a user's kernel through the library's runtime, alone
# and under mpirun -np 2 (the Makefile's release build makes it next to $BIN).
mc_custom_kernel() {
    local example
    example="$(dirname "$BIN")/custom-kernel-example"
    [ -x "$example" ] || { echo "$example not built (swift build -c release)"; return 1; }
    expect_status 0 "$example" --paths 2000000 --b 1.5 --out "$WORK/mc-custom-1" || return 1
    expect_status 0 "${MPIRUN[@]}" -np 2 "$example" --paths 2000000 --b 1.5 --out "$WORK/mc-custom-2" || return 1
    local exact
    exact=$(python3 -c "from math import erf, pi, sqrt; print(repr(sqrt(pi) / 2 * erf(1.5)))")
    mc_within_sigmas "$WORK/mc-custom-2" "$exact" 3 || return 1
    mc_fields "$WORK/mc-custom-1" >"$WORK/mc-custom-1.fields"
    mc_fields "$WORK/mc-custom-2" >"$WORK/mc-custom-2.fields"
    grep -q '^paths=2000000$' "$WORK/mc-custom-1.fields" && cmp "$WORK/mc-custom-1.fields" "$WORK/mc-custom-2.fields"
}
check "montecarlo: Examples/CustomKernel runs alone and at np=2, same result, within 3 stderr" mc_custom_kernel

# The same executable's kernels in the other roles, through MPILaunch with its
# catalog: its task kernel as a sweep and a stage body, its Monte Carlo kernel as a stage.
mc_custom_kernel_roles() {
    local example
    example="$(dirname "$BIN")/custom-kernel-example"
    [ -x "$example" ] || { echo "$example not built (swift build -c release)"; return 1; }
    expect_status 0 "${MPIRUN[@]}" -np 2 "$example" --job "$HERE/custom-kernel-sweep.yaml" --out "$WORK/mc-custom-sweep" ||
        return 1
    expect_status 0 "${MPIRUN[@]}" -np 2 "$example" --job "$HERE/custom-kernel-stages.yaml" --out "$WORK/mc-custom-stages" ||
        return 1
    python3 - "$WORK/mc-custom-sweep" "$WORK/mc-custom-stages" <<'PY'
import json, math, sys
sweep, stages = sys.argv[1], sys.argv[2]
values = {line["params"]["x"]: line.get("value") for line in map(json.loads, open(sweep + "/results.jsonl"))}
assert len(values) == 5 and all(abs(v - math.exp(-x * x)) < 1e-12 for x, v in values.items()), values
exact = math.sqrt(math.pi) / 2 * math.erf(1.5)
integral = json.load(open(stages + "/stages/integral/value.json"))
assert abs(integral - exact) < 0.01, integral
at = json.load(open(stages + "/stages/at-estimate/value.json"))
assert abs(at - math.exp(-integral * integral)) < 1e-12, at
points = json.load(open(stages + "/stages/points/value.json"))
assert len(points) == 3 and abs(points[0] - 1) < 1e-12, points
PY
}
check "montecarlo: Examples/CustomKernel's kernels as a sweep, a Monte Carlo stage and a stage body (MPILaunch)" mc_custom_kernel_roles

# The normal generator and the batched exp give the same bits at every CPU level the
# machine runs: CLanes.c compiled alone (no load-time copies) for the baseline (SSE2),
# for x86-64-v3 (AVX2 and FMA: contraction must stay off) and for this CPU; each prints
# the bits of 2^17 normals and of exp over [-30, 30]. The default binary's two copies
# are these levels' code.
mc_levels_bit_identical() {
    cat >"$WORK/levels-main.c" <<'C'
#include <stdio.h>
#include "CLanes.h"
int main(void) {
    unsigned long long low[8], high[8], sum = 0, bits;
    double normals[256], values[8 * 64];
    for (int lane = 0; lane < 8; lane++) { low[lane] = 1000 + lane; high[lane] = 7; }
    for (unsigned long long block = 0; block < 4096; block += 8) {
        clanes_fill_normals(0xdeadbeef, 0x2024, low, high, block, normals);
        for (int i = 0; i < 256; i++) { __builtin_memcpy(&bits, &normals[i], 8); sum = sum * 31 + bits; }
    }
    for (int i = 0; i < 8 * 64; i++) values[i] = -30 + 60.0 * i / (8 * 64);
    clanes_exp_many(values, 64);
    for (int i = 0; i < 8 * 64; i++) { __builtin_memcpy(&bits, &values[i], 8); sum = sum * 31 + bits; }
    printf("%016llx %.17g %.17g\n", sum, normals[255], values[8 * 64 - 1]);
    return 0;
}
C
    local level levels="x86-64" outputs=
    grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo && levels="$levels x86-64-v3"
    levels="$levels native"
    for level in $levels; do
        clang -O2 -march="$level" -DCLANES_DISPATCH= -ICSources/CLanes/include CSources/CLanes/CLanes.c \
            "$WORK/levels-main.c" -o "$WORK/levels-$level" || return 1
        outputs="$outputs$("$WORK/levels-$level")"$'\n'
        echo "$level: $("$WORK/levels-$level")"
    done
    [ "$(printf '%s' "$outputs" | sort -u | wc -l)" = 1 ]
}
if [ "$(uname -m)" = x86_64 ]; then
    check "montecarlo: normals and exp give the same bits compiled for x86-64, x86-64-v3 (AVX2, FMA) and this CPU" mc_levels_bit_identical
fi

# A build for a newer CPU than the node's (make install TARGET_CPU=...) must stop before
# any of its code runs, exit 2, naming the level and what the CPU lacks: the start-up
# check, compiled as every build compiles it, for the first level above this CPU.
mc_cpu_level_refused() {
    local level=
    grep -qw avx2 /proc/cpuinfo || level=x86-64-v3
    [ -n "$level" ] || grep -qw avx512f /proc/cpuinfo || level=x86-64-v4
    [ -n "$level" ] || { echo "this CPU has AVX-512: no x86-64 level above it to try (passes vacuously)"; return 0; }
    printf 'int main(void) { return 0; }\n' >"$WORK/cpu-main.c"
    clang -O2 -march="$level" -ICSources/CCPUCheck/include CSources/CCPUCheck/CCPUCheck.c "$WORK/cpu-main.c" \
        -o "$WORK/cpu-$level" || return 1
    expect_status 2 "$WORK/cpu-$level" 2>"$WORK/cpu.err" || return 1
    grep -q "built for $level, but the CPU of .* lacks .*TARGET_CPU=x86-64" "$WORK/cpu.err" || { cat "$WORK/cpu.err"; return 1; }
    clang -O2 -march=native -ICSources/CCPUCheck/include CSources/CCPUCheck/CCPUCheck.c "$WORK/cpu-main.c" -o "$WORK/cpu-native" &&
        expect_status 0 "$WORK/cpu-native" || return 1
    # The default build is the baseline's, and run.json says so for each part.
    expect_status 0 "$BIN" run "$HERE/mc-repro.yaml" --out "$WORK/cpu-run" --quiet || return 1
    python3 -c "
import json; part = json.load(open('$WORK/cpu-run/run.json'))['parts'][-1]
assert part['built_for'] == 'x86-64' and part['version'], part"
}
if [ "$(uname -m)" = x86_64 ]; then
    check "montecarlo: a binary built for a newer CPU stops at start, exit 2, naming what is missing" mc_cpu_level_refused
fi

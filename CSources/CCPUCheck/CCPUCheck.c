// A binary built for a newer CPU than the node's (`make install TARGET_CPU=x86-64-v3` run
// on an AVX2 login node, started on an older compute node) would die of SIGILL somewhere
// in the first Monte Carlo kernel, with no word of why. This check runs before main, in
// code compiled for the baseline, and stops such a start with exit status 2 and a message
// that names the node's missing features and the fix.
#include "CCPUCheck.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512DQ__) && defined(__AVX512VL__)
#define CCPUCHECK_LEVEL "x86-64-v4"
#elif defined(__AVX2__) && defined(__FMA__) && defined(__BMI2__)
#define CCPUCHECK_LEVEL "x86-64-v3"
#elif defined(__SSE4_2__) && defined(__POPCNT__)
#define CCPUCHECK_LEVEL "x86-64-v2"
#elif defined(__x86_64__)
#define CCPUCHECK_LEVEL "x86-64"
#elif defined(__aarch64__)
#define CCPUCHECK_LEVEL "aarch64"
#else
#define CCPUCHECK_LEVEL "this architecture's baseline"
#endif

const char *ccpucheck_built_for(void) { return CCPUCHECK_LEVEL; }

#if defined(__x86_64__)
/// Appends `name` to `missing` when the CPU lacks it.
__attribute__((target("arch=x86-64")))
static void need(int supported, const char *name, char *missing, size_t size) {
    if (supported) return;
    if (missing[0] != '\0') strncat(missing, " ", size - strlen(missing) - 1);
    strncat(missing, name, size - strlen(missing) - 1);
}

/// Before main (and before any Swift code of this binary runs): refuse a CPU that lacks
/// what the compiler was allowed to use. Compiled for the baseline, whatever the flags.
__attribute__((constructor, target("arch=x86-64")))
static void ccpucheck_refuse_older_cpu(void) {
    char missing[128] = "";
    __builtin_cpu_init();
#if defined(__SSE4_2__)
    need(__builtin_cpu_supports("sse4.2"), "sse4.2", missing, sizeof missing);
#endif
#if defined(__POPCNT__)
    need(__builtin_cpu_supports("popcnt"), "popcnt", missing, sizeof missing);
#endif
#if defined(__AVX__)
    need(__builtin_cpu_supports("avx"), "avx", missing, sizeof missing);
#endif
#if defined(__AVX2__)
    need(__builtin_cpu_supports("avx2"), "avx2", missing, sizeof missing);
#endif
#if defined(__FMA__)
    need(__builtin_cpu_supports("fma"), "fma", missing, sizeof missing);
#endif
#if defined(__BMI2__)
    need(__builtin_cpu_supports("bmi2"), "bmi2", missing, sizeof missing);
#endif
#if defined(__AVX512F__)
    need(__builtin_cpu_supports("avx512f"), "avx512f", missing, sizeof missing);
#endif
#if defined(__AVX512BW__)
    need(__builtin_cpu_supports("avx512bw"), "avx512bw", missing, sizeof missing);
#endif
#if defined(__AVX512DQ__)
    need(__builtin_cpu_supports("avx512dq"), "avx512dq", missing, sizeof missing);
#endif
#if defined(__AVX512VL__)
    need(__builtin_cpu_supports("avx512vl"), "avx512vl", missing, sizeof missing);
#endif
    if (missing[0] == '\0') return;
    char host[256] = "this node";
    gethostname(host, sizeof host - 1);
    fprintf(stderr,
            "mpibatch: this binary was built for %s, but the CPU of %s lacks %s; "
            "rebuild it for the oldest CPU it runs on (make install TARGET_CPU=x86-64, the default)\n",
            CCPUCHECK_LEVEL, host, missing);
    _exit(2);
}
#endif

/* Writes a synthetic results.jsonl of N lines to stdout, shaped like a real one: the
 * lines of two ranks' chunks of 64 interleave (so indices arrive out of order), one task
 * in 1000 fails once before it succeeds, and every line carries params, times and the
 * `"value":null,"error":null` that earlier versions wrote (so the checks that resume it
 * also read that older form).
 * Used by bench/resume.sh. Usage: journal-gen N > results.jsonl */
#include <stdio.h>
#include <stdlib.h>

static void line(long index, const char *status, int attempt, int rank, double start) {
    printf("{\"index\":%ld,\"params\":{\"i\":%ld,\"mesh\":64},\"status\":\"%s\",\"seconds\":0.000201234,"
           "\"start\":%.9f,\"rank\":%d,\"slot\":%d,\"attempt\":%d,\"value\":null,\"error\":%s}\n",
           index, index, status, start, rank, (int)(index % 4), attempt,
           status[0] == 'o' ? "null" : "\"'./solve' exited with status 1\"");
}

int main(int argc, char **argv) {
    long total = argc > 1 ? atol(argv[1]) : 1000000;
    static char buffer[1 << 20];
    setvbuf(stdout, buffer, _IOFBF, sizeof buffer);
    for (long pair = 0; pair * 128 < total; pair++) {
        for (long k = 0; k < 64; k++) {
            for (int rank = 0; rank < 2; rank++) {
                long index = pair * 128 + rank * 64 + k;
                if (index >= total) continue;
                double start = index * 1e-4;
                if (index % 1000 == 999) line(index, "failed", 1, rank, start);
                line(index, "ok", index % 1000 == 999 ? 2 : 1, rank, start);
            }
        }
    }
    return 0;
}

/* A persistent worker in C for mpibatch, speaking the raw protocol of
 * docs/worker-protocol.md with no library: frames are a 4-byte little-endian length,
 * a type byte (1 = JSON) and a JSON object. It answers the handshake, then for each task
 * of each batch returns x*x + index, where x is the task's parameter `x`.
 *
 * The JSON reading here relies on the shape mpibatch writes (compact, keys in a fixed
 * order); a worker for real use would parse the batch with a JSON library.
 *
 *   cc -O2 -o worker worker.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int in_fd = 3, out_fd = 4;

static int read_all(void *buffer, size_t count) {
    char *p = buffer;
    while (count > 0) {
        ssize_t n = read(in_fd, p, count);
        if (n <= 0) return -1; /* end of file: mpibatch is done with us */
        p += n;
        count -= (size_t)n;
    }
    return 0;
}

static void write_all(const void *buffer, size_t count) {
    const char *p = buffer;
    while (count > 0) {
        ssize_t n = write(out_fd, p, count);
        if (n <= 0) exit(1);
        p += n;
        count -= (size_t)n;
    }
}

/* One JSON frame: length (type byte + payload), type 1, payload. */
static void send_json(const char *payload) {
    uint32_t length = (uint32_t)strlen(payload) + 1;
    unsigned char header[5] = {length & 0xff, (length >> 8) & 0xff, (length >> 16) & 0xff, length >> 24, 1};
    write_all(header, 5);
    write_all(payload, length - 1);
}

/* The next frame's payload, NUL-terminated (the caller frees it); NULL at end of file. */
static char *receive(void) {
    unsigned char header[5];
    if (read_all(header, 5) != 0) return NULL;
    uint32_t length = header[0] | header[1] << 8 | header[2] << 16 | (uint32_t)header[3] << 24;
    char *payload = malloc(length);
    if (payload == NULL || read_all(payload, length - 1) != 0 || header[4] != 1) exit(1);
    payload[length - 1] = '\0';
    return payload;
}

int main(void) {
    const char *fds = getenv("MPIBATCH_WORKER_FDS");
    if (fds == NULL || sscanf(fds, "%d,%d", &in_fd, &out_fd) != 2) {
        fprintf(stderr, "run me from mpibatch: MPIBATCH_WORKER_FDS is not set\n");
        return 2;
    }
    char *hello = receive();
    if (hello == NULL) return 0;
    if (strstr(hello, "\"protocol\":1") == NULL) {
        send_json("{\"kind\":\"start_error\",\"error\":\"this worker speaks protocol 1 only\"}");
        return 1;
    }
    free(hello);
    send_json("{\"kind\":\"ready\",\"protocol\":1,\"worker\":\"C worker (jobs/c-worker/worker.c)\"}");
    char *batch;
    while ((batch = receive()) != NULL) {
        for (char *task = strstr(batch, "{\"index\":"); task != NULL; task = strstr(task + 1, "{\"index\":")) {
            long index = strtol(task + 9, NULL, 10);
            char *x = strstr(task, "\"x\":");
            char result[256];
            if (x == NULL) {
                snprintf(result, sizeof result, "{\"kind\":\"result\",\"index\":%ld,\"error\":\"no parameter x\"}", index);
            } else {
                double value = strtod(x + 4, NULL);
                printf("task %ld: x = %g\n", index, value); /* lands in the task's log */
                fflush(stdout);                            /* before the result */
                /* Where this task's output ends in our stdout and stderr files: exact attribution. */
                long out_end = (long)lseek(1, 0, SEEK_CUR), err_end = (long)lseek(2, 0, SEEK_CUR);
                snprintf(result, sizeof result, "{\"kind\":\"result\",\"index\":%ld,\"value\":%.17g,\"out\":%ld,\"err\":%ld}",
                         index, value * value + (double)index, out_end, err_end);
            }
            send_json(result);
        }
        free(batch);
    }
    return 0;
}

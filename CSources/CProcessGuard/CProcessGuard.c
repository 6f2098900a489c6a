#define _GNU_SOURCE
#include "CProcessGuard.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#define GUARD_CAPACITY 65536

/* The guard's whole life, in the forked child: only async-signal-safe calls. */
static void guard_loop(int input) {
    static int32_t groups[GUARD_CAPACITY];
    int count = 0;
    int32_t record;
    for (;;) {
        ssize_t got = read(input, &record, sizeof record);
        if (got < 0 && errno == EINTR) continue;
        if (got != (ssize_t)sizeof record) break; /* EOF (or a torn record): the rank is gone */
        if (record > 0) {
            if (count < GUARD_CAPACITY) groups[count++] = record;
        } else {
            for (int i = 0; i < count; i++) {
                if (groups[i] == -record) {
                    groups[i] = groups[--count];
                    break;
                }
            }
        }
    }
    for (int i = 0; i < count; i++) kill(-groups[i], SIGTERM);
    if (count > 0) {
        struct timespec grace = {1, 0};
        while (nanosleep(&grace, &grace) != 0 && errno == EINTR) {}
        for (int i = 0; i < count; i++) kill(-groups[i], SIGKILL);
    }
    _exit(0);
}

/* A pipe whose ends are close-on-exec. macOS has no pipe2: pipe then fcntl, which leaves a
   moment in which a child another thread spawns inherits the ends (not built on macOS here). */
static int cloexec_pipe(int fds[2]) {
#if defined(__APPLE__)
    if (pipe(fds) != 0) return -1;
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return 0;
#else
    return pipe2(fds, O_CLOEXEC);
#endif
}

int cprocessguard_start(void) {
    int fds[2];
    if (cloexec_pipe(fds) != 0) return -1;
    pid_t pid = fork();
    if (pid < 0) {
        int saved = errno;
        close(fds[0]);
        close(fds[1]);
        errno = saved;
        return -1;
    }
    if (pid == 0) {
        struct sigaction ignore = {0};
        ignore.sa_handler = SIG_IGN;
        int ignored[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE};
        for (unsigned i = 0; i < sizeof ignored / sizeof ignored[0]; i++) sigaction(ignored[i], &ignore, 0);
        setpgid(0, 0); /* out of the rank's group: a kill of the rank's group spares the guard */
        close(fds[1]);
        /* Close every other descriptor the rank had open (log files, sockets), so the guard holds none of them. */
        for (int fd = 3; fd < 1024; fd++) if (fd != fds[0]) close(fd);
        guard_loop(fds[0]);
    }
    close(fds[0]);
    return fds[1];
}

#ifndef CPROCESSGUARD_H
#define CPROCESSGUARD_H

#include <sys/types.h>

/// Forks this rank's guard of task process groups and returns the descriptor the rank
/// writes to it (close-on-exec), or -1 with errno set. The guard is a forked child in a
/// process group of its own that ignores the usual termination signals; it reads 32-bit
/// records from the rank (a positive process group id: started; negative: gone) and, when
/// the rank's end of the pipe closes (the rank exited, however it died), sends SIGTERM to
/// every group still registered, SIGKILL one second later, and exits. Why C: after fork()
/// in a multithreaded process the child may only call async-signal-safe functions, which
/// rules out any Swift runtime code.
int cprocessguard_start(void);

#endif

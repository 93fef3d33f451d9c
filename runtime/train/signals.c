/* signals.c - stopping a training run cleanly on SIGINT or SIGTERM. */
#include <string.h>

#include "train/signals.h"

/* The signal (SIGINT or SIGTERM) that asked training to stop, 0 if none.  This is the one
 * global mutable variable in the runtime, and must be: a signal handler gets no context
 * to write into, and a volatile sig_atomic_t is all it may safely touch.  The loop reads
 * it after each mini-batch and stops cleanly, checkpoint and weights saved. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

/* SA_RESETHAND: a second Ctrl-C kills at once (the files are written atomically). */
void netc_catch_stop_signals(struct sigaction old[2])
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    stop_signal = 0;
    sigaction(SIGINT, &sa, &old[0]);
    sigaction(SIGTERM, &sa, &old[1]);
}

void netc_restore_signals(const struct sigaction old[2])
{
    sigaction(SIGINT, &old[0], NULL);
    sigaction(SIGTERM, &old[1], NULL);
}

int netc_stop_signal(void)
{
    return stop_signal;
}

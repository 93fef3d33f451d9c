/* train/signals.h - stopping a training run cleanly on SIGINT or SIGTERM. */
#ifndef NETC_TRAIN_SIGNALS_H
#define NETC_TRAIN_SIGNALS_H

#include <signal.h>

/* From now on SIGINT and SIGTERM ask the run to stop (netc_stop_signal) instead of
 * killing it; a second one kills at once.  old receives the previous handlers. */
void netc_catch_stop_signals(struct sigaction old[2]);
/* Puts back the handlers netc_catch_stop_signals replaced. */
void netc_restore_signals(const struct sigaction old[2]);
/* The signal that asked the run to stop since netc_catch_stop_signals, 0 if none. */
int netc_stop_signal(void);

#endif

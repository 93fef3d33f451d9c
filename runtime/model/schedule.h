/* model/schedule.h - the learning rate over the epochs, as the .net file's train block
 * describes it (netc_model's schedule, step_size, gamma, min_lr). */
#ifndef NETC_MODEL_SCHEDULE_H
#define NETC_MODEL_SCHEDULE_H

#include <stddef.h>

#include "netc_model.h"

/* Learning rate for epoch (counted from 0) under the model's schedule. */
double netc_schedule_lr(const netc_model *model, double lr, int epoch, int epochs);
/* The schedule as the .net file writes it, e.g. "cosine(min_lr = 1e-05)"; returns buf. */
const char *netc_schedule_text(const netc_model *model, char *buf, size_t n);

#endif

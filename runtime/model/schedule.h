/* model/schedule.h - the learning rate over the epochs, as the .net file's train block
 * describes it (netc_model's schedule, step_size, gamma, min_lr; a plateau schedule's
 * patience, threshold, cooldown). */
#ifndef NETC_MODEL_SCHEDULE_H
#define NETC_MODEL_SCHEDULE_H

#include <stddef.h>

#include "netc_model.h"

/* Learning rate for epoch (counted from 0) under the model's schedule. */
double netc_schedule_lr(const netc_model *model, double lr, int epoch, int epochs);
/* The schedule as the .net file writes it, e.g. "cosine(min_lr = 1e-05)"; returns buf. */
const char *netc_schedule_text(const netc_model *model, char *buf, size_t n);

/* The plateau schedule (PyTorch's ReduceLROnPlateau, mode "min", threshold_mode "rel",
 * eps 1e-8): the rate falls by the factor gamma (not below min_lr) once the validation
 * loss has not improved on its best by more than the relative threshold for more than
 * patience epochs; after a reduction, cooldown epochs are not counted. */
typedef struct netc_plateau {
    double lr;                  /* the rate of the next epoch */
    double best;                /* the lowest validation loss so far (INFINITY at first) */
    int bad_epochs;             /* epochs since it last improved */
    int cooldown_left;          /* epochs still in the cooldown */
} netc_plateau;

/* The state of a run that starts at rate lr. */
void netc_plateau_start(netc_plateau *p, double lr);
/* After an epoch whose validation loss was loss; returns 1 when it lowered p->lr. */
int netc_plateau_step(netc_plateau *p, const netc_model *model, double loss);

#endif

/* schedule.c - the learning rate over the epochs (constant, step, exponential, cosine),
 * and the plateau schedule's rate, which follows the validation loss. */
#include <math.h>
#include <stdio.h>

#include "model/schedule.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

double netc_schedule_lr(const netc_model *m, double lr, int epoch, int epochs)
{
    switch (m->schedule) {
    case NETC_SCHED_STEP:
        return lr * pow(m->gamma, floor((double)epoch / (m->step_size > 0 ? m->step_size : 1)));
    case NETC_SCHED_EXPONENTIAL:
        return lr * pow(m->gamma, epoch);
    case NETC_SCHED_COSINE:
        return m->min_lr + (lr - m->min_lr) * (1 + cos(M_PI * epoch / epochs)) / 2;
    case NETC_SCHED_CONSTANT:
    case NETC_SCHED_PLATEAU:    /* its rate is netc_plateau's */
        break;
    }
    return lr;
}

const char *netc_schedule_text(const netc_model *m, char *buf, size_t n)
{
    static const char *const words[] = { NETC_SCHEDULES(NETC_WORD, ) };
    const char *word = words[m->schedule];

    switch (m->schedule) {
    case NETC_SCHED_STEP:
        snprintf(buf, n, "%s(step_size = %d, gamma = %g)", word, m->step_size, m->gamma);
        break;
    case NETC_SCHED_EXPONENTIAL:
        snprintf(buf, n, "%s(gamma = %g)", word, m->gamma);
        break;
    case NETC_SCHED_COSINE:
        snprintf(buf, n, "%s(min_lr = %g)", word, m->min_lr);
        break;
    case NETC_SCHED_PLATEAU:
        snprintf(buf, n, "%s(factor = %g, patience = %d, min_lr = %g, threshold = %g, "
                 "cooldown = %d)", word, m->gamma, m->patience, m->min_lr, m->threshold,
                 m->cooldown);
        break;
    case NETC_SCHED_CONSTANT:
        snprintf(buf, n, "%s", word);
        break;
    }
    return buf;
}

void netc_plateau_start(netc_plateau *p, double lr)
{
    p->lr = lr;
    p->best = INFINITY;
    p->bad_epochs = 0;
    p->cooldown_left = 0;
}

int netc_plateau_step(netc_plateau *p, const netc_model *m, double loss)
{
    const double eps = 1e-8;    /* a smaller change of the rate is none (PyTorch's) */
    double lower;

    if (loss < p->best * (1 - m->threshold)) {
        p->best = loss;
        p->bad_epochs = 0;
    } else {
        p->bad_epochs++;
    }
    if (p->cooldown_left > 0) {
        p->cooldown_left--;
        p->bad_epochs = 0;
    }
    if (p->bad_epochs <= m->patience)
        return 0;
    p->cooldown_left = m->cooldown;
    p->bad_epochs = 0;
    lower = p->lr * m->gamma > m->min_lr ? p->lr * m->gamma : m->min_lr;
    if (p->lr - lower <= eps)
        return 0;
    p->lr = lower;
    return 1;
}

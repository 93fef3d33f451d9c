/* schedule.c - the learning rate over the epochs (constant, step, exponential, cosine). */
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
    case NETC_SCHED_CONSTANT:
        snprintf(buf, n, "%s", word);
        break;
    }
    return buf;
}

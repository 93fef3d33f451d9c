/* progress.c - the live bar of an epoch on a terminal.
 *
 * The bar is redrawn in place ("\r" then erase to the end of the line) at most ten
 * times a second, so it costs nothing next to the training; off a terminal nothing
 * is drawn and the trainer's plain epoch lines are all there is. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "train/progress.h"

#define BAR_WIDTH 8       /* the whole line stays within 80 columns */
#define REDRAW_SECONDS 0.1

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) * 1e-9;
}

void netc_progress_init(netc_progress *p, int enabled)
{
    memset(p, 0, sizeof *p);
    p->live = enabled && isatty(fileno(stdout));
}

void netc_progress_begin(netc_progress *p, int epoch, int epochs, long total)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    if (p->start.tv_sec || p->start.tv_nsec)
        p->last_epoch_s = seconds_between(&p->start, &now);
    p->epoch = epoch;
    p->epochs = epochs;
    p->total = total;
    p->done = 0;
    p->loss_sum = 0;
    p->start = p->last_draw = now;
}

/* 75 s as "1:15", 3725 s as "1:02:05". */
static void put_duration(char *buf, size_t size, long s)
{
    if (s >= 3600)
        snprintf(buf, size, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, size, "%ld:%02ld", s / 60, s % 60);
}

void netc_progress_format(const netc_progress *p, double elapsed, char *buf, size_t size)
{
    double frac = p->total > 0 ? (double)p->done / (double)p->total : 1;
    double rate = elapsed > 0 ? (double)p->done / elapsed : 0;
    double left = rate > 0 ? (double)(p->total - p->done) / rate : 0;
    double epoch_s = p->last_epoch_s > 0 ? p->last_epoch_s : rate > 0 ? p->total / rate : 0;
    char bar[BAR_WIDTH + 1], eta[24], run[24];
    int i, filled = (int)(frac * BAR_WIDTH);

    for (i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < filled ? '=' : i == filled ? '>' : ' ';
    bar[BAR_WIDTH] = '\0';
    put_duration(eta, sizeof eta, (long)(left + 0.5));
    put_duration(run, sizeof run, (long)(left + (p->epochs - p->epoch - 1) * epoch_s + 0.5));
    snprintf(buf, size, "epoch %d/%d [%s] %3.0f%%  %.0f samples/s  ETA %s run %s  loss %.6f",
             p->epoch + 1, p->epochs, bar, 100 * frac, rate, eta, run,
             p->done ? p->loss_sum / (double)p->done : 0.0);
}

void netc_progress_step(netc_progress *p, int n, double loss)
{
    struct timespec now;
    char line[256];

    p->done += n;
    p->loss_sum += loss * n;
    if (!p->live)
        return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (seconds_between(&p->last_draw, &now) < REDRAW_SECONDS && p->done < p->total)
        return;
    p->last_draw = now;
    netc_progress_format(p, seconds_between(&p->start, &now), line, sizeof line);
    printf("\r%s\033[K", line);
    fflush(stdout);
}

void netc_progress_end(netc_progress *p)
{
    if (!p->live)
        return;
    printf("\r\033[K");
    fflush(stdout);
}

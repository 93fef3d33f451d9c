/* metrics_log.c - the per-epoch figures of a training run, in memory and as CSV.
 *
 *   epoch,train_loss,train_acc,test_loss,test_acc,learning_rate,samples_per_s,elapsed_s
 *   1,0.052113,0.8412,0.031977,0.8455,3,123456,1.2
 *
 * Accuracies are fractions; a figure that was not measured is an empty cell. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/metrics_log.h"

#define N_COLUMNS 8

int netc_metrics_open(netc_metrics *mx, const char *path, netc_error *err)
{
    memset(mx, 0, sizeof *mx);
    if (!path)
        return 0;
    mx->path = path;
    mx->csv = fopen(path, "w");
    if (!mx->csv)
        return netc_fail(err, "%s: cannot create the log: %s", path, strerror(errno));
    fprintf(mx->csv, "%s\n", NETC_METRICS_HEADER);
    return 0;
}

static void put_cell(FILE *f, double v, const char *sep)
{
    if (isnan(v))
        fprintf(f, "%s", sep);
    else
        fprintf(f, "%.9g%s", v, sep);
}

static void put_row(FILE *f, const netc_epoch_metrics *r)
{
    fprintf(f, "%d,", r->epoch);
    put_cell(f, r->train_loss, ",");
    put_cell(f, r->train_acc, ",");
    put_cell(f, r->test_loss, ",");
    put_cell(f, r->test_acc, ",");
    put_cell(f, r->learning_rate, ",");
    put_cell(f, r->samples_per_s, ",");
    put_cell(f, r->elapsed_s, "\n");
}

static int keep_row(netc_metrics *mx, const netc_epoch_metrics *row, netc_error *err)
{
    if (mx->n == mx->cap) {
        int cap = mx->cap ? 2 * mx->cap : 64;
        netc_epoch_metrics *rows = realloc(mx->rows, (size_t)cap * sizeof *rows);
        if (!rows)
            return netc_fail(err, "out of memory keeping %d epochs of metrics", cap);
        mx->rows = rows;
        mx->cap = cap;
    }
    mx->rows[mx->n++] = *row;
    return 0;
}

int netc_metrics_add(netc_metrics *mx, const netc_epoch_metrics *row, netc_error *err)
{
    if (keep_row(mx, row, err) < 0)
        return -1;
    if (!mx->csv)
        return 0;
    put_row(mx->csv, row);
    if (fflush(mx->csv) != 0 || ferror(mx->csv))
        return netc_fail(err, "%s: cannot write the log: %s", mx->path, strerror(errno));
    return 0;
}

int netc_metrics_close(netc_metrics *mx, netc_error *err)
{
    int bad;

    if (!mx->csv)
        return 0;
    bad = ferror(mx->csv);
    bad |= fclose(mx->csv) != 0;
    mx->csv = NULL;
    return bad ? netc_fail(err, "%s: cannot write the log", mx->path) : 0;
}

void netc_metrics_free(netc_metrics *mx)
{
    if (mx->csv)
        fclose(mx->csv);
    free(mx->rows);
    memset(mx, 0, sizeof *mx);
}

int netc_metrics_write(const char *path, const netc_metrics *mx, netc_error *err)
{
    FILE *f = fopen(path, "w");
    int i, bad;

    if (!f)
        return netc_fail(err, "%s: cannot create: %s", path, strerror(errno));
    fprintf(f, "%s\n", NETC_METRICS_HEADER);
    for (i = 0; i < mx->n; i++)
        put_row(f, &mx->rows[i]);
    bad = ferror(f);
    bad |= fclose(f) != 0;
    return bad ? netc_fail(err, "%s: cannot write", path) : 0;
}

/* One data line into row; empty cells are NAN.  -1: not numbers; -2: a number written
 * as NaN, infinite or beyond float's range (no trainer writes one, and the charts could
 * not scale to it), its column in *bad_col. */
static int parse_row(char *line, netc_epoch_metrics *row, int *bad_col)
{
    double v[N_COLUMNS];
    char *p = line, *end;
    int i;

    for (i = 0; i < N_COLUMNS; i++) {
        if (*p == ',' || *p == '\0' || *p == '\n' || *p == '\r') {
            v[i] = NAN;
            end = p;
        } else {
            v[i] = strtod(p, &end);
            if (end == p)
                return -1;
            if (!(fabs(v[i]) <= FLT_MAX)) {
                *bad_col = (int)(p - line) + 1;
                return -2;
            }
        }
        if (i < N_COLUMNS - 1 && *end != ',')
            return -1;
        p = end + (i < N_COLUMNS - 1);
    }
    if (*p != '\0' && *p != '\n' && *p != '\r')
        return -1;
    row->epoch = (int)v[0];
    row->train_loss = v[1];
    row->train_acc = v[2];
    row->test_loss = v[3];
    row->test_acc = v[4];
    row->learning_rate = v[5];
    row->samples_per_s = v[6];
    row->elapsed_s = v[7];
    return isnan(v[0]) ? -1 : 0;
}

static int read_rows(FILE *f, const char *path, netc_metrics *mx, netc_error *err)
{
    char line[1024];
    int line_no = 1;

    if (!fgets(line, sizeof line, f) || strncmp(line, NETC_METRICS_HEADER,
                                                strlen(NETC_METRICS_HEADER)) != 0)
        return netc_fail(err, "%s:1: expected the header '%s'\nhint: pass a log written by "
                         "train --log", path, NETC_METRICS_HEADER);
    while (fgets(line, sizeof line, f)) {
        netc_epoch_metrics row;
        int rc, col = 0;
        line_no++;
        if (line[0] == '\n' || (line[0] == '\r' && line[1] == '\n'))
            continue;
        rc = parse_row(line, &row, &col);
        if (rc == -2)
            return netc_fail(err, "%s:%d:%d: '%.*s' is not a finite number within float's range"
                             "\nhint: pass a log written by train --log", path, line_no, col,
                             (int)strcspn(line + col - 1, ",\r\n"), line + col - 1);
        if (rc < 0)
            return netc_fail(err, "%s:%d: expected %d comma-separated numbers", path, line_no,
                             N_COLUMNS);
        if (keep_row(mx, &row, err) < 0)
            return -1;
    }
    return ferror(f) ? netc_fail(err, "%s: read error", path) : 0;
}

int netc_metrics_read(const char *path, netc_metrics *mx, netc_error *err)
{
    FILE *f = netc_open_regular(path, err);
    int rc;

    memset(mx, 0, sizeof *mx);
    if (!f)
        return -1;
    rc = read_rows(f, path, mx, err);
    fclose(f);
    if (rc < 0)
        netc_metrics_free(mx);
    return rc;
}

/* metrics_log.c - the per-epoch figures of a training run, in memory and as CSV.
 *
 *   epoch,train_loss,train_acc,test_loss,test_acc,learning_rate,samples_per_s,elapsed_s
 *   1,0.052113,0.8412,0.031977,0.8455,3,123456,1.2
 *
 * Accuracies are fractions; a figure that was not measured is an empty cell.  A run
 * with validation samples (--validation) adds two columns, val_loss and val_acc.  A
 * regression network's log has its fit instead of each accuracy (train_mae, train_rmse,
 * train_r2, ...; val_mae, val_rmse, val_r2).  The reader takes the columns by name. */
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/atomic.h"
#include "io/metrics_log.h"

/* A column of the log: its name, the figure it holds, and which runs write it. */
enum { FOR_ALL, FOR_CLASSIFIER, FOR_REGRESSION };
typedef struct metrics_column {
    const char *name;
    size_t offset;              /* of its double in netc_epoch_metrics */
    int validation;             /* written only with NETC_METRICS_VALIDATION */
    int kind;                   /* FOR_ALL, or only a classifier's or a regression's */
} metrics_column;

#define FIGURE(field) offsetof(netc_epoch_metrics, field)
/* In the order of the file, after "epoch"; a run writes the ones that apply to it. */
static const metrics_column columns[] = {
    { "train_loss", FIGURE(train_loss), 0, FOR_ALL },
    { "train_acc", FIGURE(train_acc), 0, FOR_CLASSIFIER },
    { "train_mae", FIGURE(train_fit.mae), 0, FOR_REGRESSION },
    { "train_rmse", FIGURE(train_fit.rmse), 0, FOR_REGRESSION },
    { "train_r2", FIGURE(train_fit.r2), 0, FOR_REGRESSION },
    { "test_loss", FIGURE(test_loss), 0, FOR_ALL },
    { "test_acc", FIGURE(test_acc), 0, FOR_CLASSIFIER },
    { "test_mae", FIGURE(test_fit.mae), 0, FOR_REGRESSION },
    { "test_rmse", FIGURE(test_fit.rmse), 0, FOR_REGRESSION },
    { "test_r2", FIGURE(test_fit.r2), 0, FOR_REGRESSION },
    { "learning_rate", FIGURE(learning_rate), 0, FOR_ALL },
    { "samples_per_s", FIGURE(samples_per_s), 0, FOR_ALL },
    { "elapsed_s", FIGURE(elapsed_s), 0, FOR_ALL },
    { "val_loss", FIGURE(val_loss), 1, FOR_ALL },
    { "val_acc", FIGURE(val_acc), 1, FOR_CLASSIFIER },
    { "val_mae", FIGURE(val_fit.mae), 1, FOR_REGRESSION },
    { "val_rmse", FIGURE(val_fit.rmse), 1, FOR_REGRESSION },
    { "val_r2", FIGURE(val_fit.r2), 1, FOR_REGRESSION },
};
#define N_TABLE ((int)(sizeof columns / sizeof columns[0]))

static unsigned flags_of(const netc_metrics *mx)
{
    return (mx->validation ? NETC_METRICS_VALIDATION : 0) |
           (mx->regression ? NETC_METRICS_REGRESSION : 0);
}

static int writes(const metrics_column *c, unsigned flags)
{
    int regression = (flags & NETC_METRICS_REGRESSION) != 0;

    if (c->validation && !(flags & NETC_METRICS_VALIDATION))
        return 0;
    return c->kind == FOR_ALL || (c->kind == FOR_REGRESSION) == regression;
}

static double *figure(netc_epoch_metrics *r, const metrics_column *c)
{
    return (double *)((char *)r + c->offset);
}

static void put_header(FILE *f, unsigned flags)
{
    int i;

    fputs("epoch", f);
    for (i = 0; i < N_TABLE; i++)
        if (writes(&columns[i], flags))
            fprintf(f, ",%s", columns[i].name);
    fputc('\n', f);
}

/* path opened for writing, emptied.  O_NONBLOCK: opening a FIFO that nothing reads fails
 * with ENXIO instead of waiting for ever; the writes themselves block as usual. */
static FILE *open_log(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK, 0666), flags;
    FILE *f = NULL;

    if (fd < 0)
        return NULL;
    if ((flags = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0 ||
        !(f = fdopen(fd, "w")))
        close(fd);
    return f;
}

int netc_metrics_open(netc_metrics *mx, const char *path, unsigned flags, netc_error *err)
{
    memset(mx, 0, sizeof *mx);
    mx->validation = (flags & NETC_METRICS_VALIDATION) != 0;
    mx->regression = (flags & NETC_METRICS_REGRESSION) != 0;
    if (!path)
        return 0;
    mx->path = path;
    if (!(mx->csv = open_log(path)))
        return netc_fail(err, "%s: cannot create the log: %s", path, errno == ENXIO ?
                         "it is a FIFO (named pipe) that nothing reads\nhint: start its reader "
                         "first, or give the log a regular file" : strerror(errno));
    put_header(mx->csv, flags);
    return 0;
}

static void put_cell(FILE *f, double v)
{
    if (isnan(v))
        fputc(',', f);
    else
        fprintf(f, ",%.9g", v);
}

static void put_row(FILE *f, const netc_epoch_metrics *r, unsigned flags)
{
    int i;

    fprintf(f, "%d", r->epoch);
    for (i = 0; i < N_TABLE; i++)
        if (writes(&columns[i], flags))
            put_cell(f, *figure((netc_epoch_metrics *)r, &columns[i]));
    fputc('\n', f);
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
    put_row(mx->csv, row, flags_of(mx));
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

static int write_rows(FILE *f, const void *ctx)
{
    const netc_metrics *mx = ctx;
    int i;

    put_header(f, flags_of(mx));
    for (i = 0; i < mx->n; i++)
        put_row(f, &mx->rows[i], flags_of(mx));
    return ferror(f) ? -1 : 0;
}

/* Replaced atomically: the report, rewritten after every epoch, copies the log. */
int netc_metrics_write(const char *path, const netc_metrics *mx, netc_error *err)
{
    return netc_write_atomic(path, write_rows, mx, err);
}

/* The table's column called name[0..len), or -1. */
static int find_column(const char *name, size_t len)
{
    int i;

    for (i = 0; i < N_TABLE; i++)
        if (len == strlen(columns[i].name) && strncmp(name, columns[i].name, len) == 0)
            return i;
    return -1;
}

/* The log's columns after "epoch", from its header: indices into columns[], their number
 * into *n; mx's flags from the columns present. */
static int read_header(char *line, const char *path, netc_metrics *mx, int *order, int *n,
                       netc_error *err)
{
    char *name, *end;

    line[strcspn(line, "\r\n")] = '\0';
    *n = 0;
    for (name = line + 6; strncmp(line, "epoch,", 6) == 0 && *n < N_TABLE; name = end + 1) {
        int i;
        end = name + strcspn(name, ",");
        if ((i = find_column(name, (size_t)(end - name))) < 0)
            break;
        order[(*n)++] = i;
        mx->validation |= columns[i].validation;
        mx->regression |= columns[i].kind == FOR_REGRESSION;
        if (*end == '\0')
            return 0;
    }
    return netc_fail(err, "%s:1: expected the header '%s' (or a regression network's, "
                     "docs/trainer.md)\nhint: pass a log written by train --log", path,
                     NETC_METRICS_HEADER);
}

/* One data line into row; empty cells are NAN.  -1: not numbers; -2: a number written
 * as NaN, infinite or beyond float's range (no trainer writes one, and the charts could
 * not scale to it), its column in *bad_col. */
static int parse_row(char *line, const int *order, int n, netc_epoch_metrics *row,
                     int *bad_col)
{
    char *p = line, *end;
    double v;
    int i;

    for (i = 0; i < N_TABLE; i++)
        *figure(row, &columns[i]) = NAN;
    for (i = -1; i < n; i++) {
        if (*p == ',' || *p == '\0' || *p == '\n' || *p == '\r') {
            v = NAN;
            end = p;
        } else {
            v = strtod(p, &end);
            if (end == p)
                return -1;
            if (!(fabs(v) <= FLT_MAX)) {
                *bad_col = (int)(p - line) + 1;
                return -2;
            }
        }
        if (i < n - 1 && *end != ',')
            return -1;
        p = end + (i < n - 1);
        if (i < 0 && isnan(v))
            return -1;
        if (i < 0)
            row->epoch = (int)v;
        else
            *figure(row, &columns[order[i]]) = v;
    }
    return *p != '\0' && *p != '\n' && *p != '\r' ? -1 : 0;
}

static int read_rows(FILE *f, const char *path, netc_metrics *mx, netc_error *err)
{
    char line[1024];
    int line_no = 1, order[N_TABLE], n = 0;

    if (!fgets(line, sizeof line, f))
        line[0] = '\0';
    if (read_header(line, path, mx, order, &n, err) < 0)
        return -1;
    while (fgets(line, sizeof line, f)) {
        netc_epoch_metrics row;
        int rc, col = 0;
        line_no++;
        if (line[0] == '\n' || (line[0] == '\r' && line[1] == '\n'))
            continue;
        rc = parse_row(line, order, n, &row, &col);
        if (rc == -2)
            return netc_fail(err, "%s:%d:%d: '%.*s' is not a finite number within float's range"
                             "\nhint: pass a log written by train --log", path, line_no, col,
                             (int)strcspn(line + col - 1, ",\r\n"), line + col - 1);
        if (rc < 0)
            return netc_fail(err, "%s:%d: expected %d comma-separated numbers", path, line_no,
                             n + 1);
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

/* outputs.c - the files a training run writes, checked before any work (outputs.h): a
 * path mistake must not overwrite an input or another output, and a destination that
 * cannot be written must be found out before an epoch is spent, not after it. */
#define _XOPEN_SOURCE 700     /* realpath */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/report.h"
#include "train/checkpoint.h"
#include "train/outputs.h"

char *netc_checkpoint_path(const netc_options *o)
{
    const char *given = o->checkpoint ? o->checkpoint : o->resume;
    const char *ext = ".safetensors";
    size_t n = strlen(o->save), e = strlen(ext);
    char *path;

    if (given)
        return strdup(given);
    if (n > e && strcmp(o->save + n - e, ext) == 0)
        n -= e;
    path = malloc(n + 6);
    if (path) {
        memcpy(path, o->save, n);
        memcpy(path + n, ".ckpt", 6);
    }
    return path;
}

/* The directory holding path ("." for a bare name), malloc'd, with "/." after it so that
 * access() on it fails with ENOTDIR when it is a file. */
static char *directory_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = !slash ? 1 : slash == path ? 1 : (size_t)(slash - path);
    char *dir = malloc(n + 3);

    if (dir) {
        memcpy(dir, !slash ? "." : slash == path ? "/" : path, n);
        memcpy(dir + n, "/.", 3);
    }
    return dir;
}

/* A name for the file at path that two spellings of it share: its real path when it
 * exists, else its directory's real path and its own name (NULL: out of memory). */
char *netc_absolute_path(const char *path)
{
    char *real = realpath(path, NULL), *dir, *dir_real, *name;
    const char *base = strrchr(path, '/');

    if (real)
        return real;
    dir = directory_of(path);
    dir_real = dir ? realpath(dir, NULL) : NULL;
    free(dir);
    if (!dir_real)
        return strdup(path);
    base = base ? base + 1 : path;
    name = malloc(strlen(dir_real) + strlen(base) + 2);
    if (name)
        strcat(strcat(strcpy(name, dir_real), "/"), base);
    free(dir_real);
    return name;
}

/* 1 when a and b are the same file: the same device and inode where both exist, else the
 * same resolved path. */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    char *ra, *rb;
    int same;

    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    ra = netc_absolute_path(a);
    rb = netc_absolute_path(b);
    same = ra && rb ? strcmp(ra, rb) == 0 : strcmp(a, b) == 0;
    free(ra);
    free(rb);
    return same;
}

typedef struct run_file {
    const char *option, *path;
    int output;
} run_file;

/* f[n] = the file, if there is one; returns the new count. */
static int add(run_file *f, int n, const char *option, const char *path, int output)
{
    if (!path)
        return n;
    f[n].option = option;
    f[n].path = path;
    f[n].output = output;
    return n + 1;
}

/* The run's files, outputs first; returns how many.  The report command's: its inputs
 * (ckpt NULL). */
static int list_files(const netc_options *o, const char *ckpt, run_file f[12])
{
    int n = 0;

    if (ckpt) {
        n = add(f, n, "--save", o->save, 1);
        n = add(f, n, o->checkpoint ? "--checkpoint" : o->resume ? "--resume" :
                "the checkpoint", ckpt, 1);
    } else {
        n = add(f, n, "--weights", o->weights, 0);
    }
    n = add(f, n, "--log", o->log, ckpt != NULL);
    if (o->format == NETC_DATA_CSV) {
        n = add(f, n, "--train-csv", o->train_csv, 0);
        n = add(f, n, "--test-csv", o->test_csv, 0);
    } else if (o->format == NETC_DATA_IDX) {
        n = add(f, n, "--train-images", o->train_images, 0);
        n = add(f, n, "--train-labels", o->train_labels, 0);
        n = add(f, n, "--test-images", o->test_images, 0);
        n = add(f, n, "--test-labels", o->test_labels, 0);
    }
    n = add(f, n, "--init-weights", o->init_weights, 0);
    return add(f, n, "--resume", o->resume, 0);
}

/* No output is another output or an input (the checkpoint may be the one resumed). */
static int check_distinct(const netc_options *o, const char *ckpt, netc_error *err)
{
    run_file f[12];
    int n = list_files(o, ckpt, f), i, j;

    for (i = 0; i < n && f[i].output; i++)
        for (j = i + 1; j < n; j++) {
            if (f[i].path == ckpt && f[j].path == o->resume)
                continue;
            if (!same_file(f[i].path, f[j].path))
                continue;
            if (f[j].output)
                return netc_fail(err, "%s %s and %s %s are the same file: one would overwrite "
                                 "the other\nhint: give each output a file of its own",
                                 f[i].option, f[i].path, f[j].option, f[j].path);
            return netc_fail(err, "%s %s is the file of %s %s: training would overwrite its "
                             "own input\nhint: write %s elsewhere", f[i].option, f[i].path,
                             f[j].option, f[j].path, f[i].option);
        }
    return 0;
}

/* The checkpoint about to be written holds no other run that has not finished. */
static int check_unfinished(const netc_options *o, const char *ckpt, netc_error *err)
{
    netc_checkpoint c;
    netc_error why;
    struct stat st;
    int rc = 0;

    if (o->overwrite || stat(ckpt, &st) != 0 || !S_ISREG(st.st_mode) ||
        (o->resume && same_file(ckpt, o->resume)))
        return 0;
    memset(&c, 0, sizeof c);
    if (netc_checkpoint_read(ckpt, &c, &why) < 0)
        return netc_fail(err, "%s exists and is not a checkpoint this run may replace (%.*s)"
                         "\nhint: pass --checkpoint FILE to write the run's checkpoint "
                         "elsewhere, or --overwrite to replace it", ckpt,
                         (int)strcspn(why.msg, "\n"), why.msg);
    if (c.epoch < c.epochs)
        rc = netc_fail(err, "%s holds an unfinished run of network '%s' (%d of %d epochs "
                       "done); a new run would replace it\nhint: continue it with --resume "
                       "%s (and the same data options), or pass --overwrite to start afresh",
                       ckpt, c.network, c.epoch, c.epochs, ckpt);
    netc_checkpoint_free(&c);
    return rc;
}

/* 1 when file (made absolute) is dir itself, 2 when it is a file the report writes in
 * dir, else 0. */
static int in_report(const char *file, const char *dir)
{
    const char *slash = strrchr(file, '/');
    size_t n = slash ? (size_t)(slash - file) : 0;

    if (strcmp(file, dir) == 0)
        return 1;
    return slash && strlen(dir) == n && strncmp(file, dir, n) == 0 &&
           netc_report_writes(slash + 1) ? 2 : 0;
}

int netc_check_report(const netc_options *o, const char *ckpt, netc_error *err)
{
    const char *option = ckpt ? "--report" : "-o";
    run_file f[12];
    struct stat st;
    char *dir, *file = NULL;
    int n, i, clash = 0;

    if (!o->report)
        return 0;
    if (stat(o->report, &st) == 0 && !S_ISDIR(st.st_mode))
        return netc_fail(err, "%s %s: exists and is not a directory\nhint: give the report "
                         "a directory of its own", option, o->report);
    if (!(dir = netc_absolute_path(o->report)))
        return netc_fail(err, "out of memory");
    n = list_files(o, ckpt, f);
    for (i = 0; i < n && !clash; i++) {
        free(file);
        file = netc_absolute_path(f[i].path);
        clash = file ? in_report(file, dir) : 0;
    }
    free(dir);
    free(file);
    if (clash)
        return netc_fail(err, "%s %s is %s %s %s: the report would overwrite it\nhint: give "
                         "the report a directory of its own", f[i - 1].option, f[i - 1].path,
                         clash == 1 ? "the same path as" : "a file the report writes in",
                         option, o->report);
    return 0;
}

int netc_check_outputs(const netc_options *o, netc_error *err)
{
    char *ckpt = netc_checkpoint_path(o);
    int rc;

    if (!ckpt)
        return netc_fail(err, "out of memory");
    rc = check_distinct(o, ckpt, err);
    if (rc == 0)
        rc = netc_check_report(o, ckpt, err);
    if (rc == 0)
        rc = check_unfinished(o, ckpt, err);
    free(ckpt);
    return rc;
}

/* path can be written: replaced (atomic: a regular file or nothing there, in a writable
 * directory) or, for the log, opened for writing. */
static int check_one(const char *path, int atomic, netc_error *err)
{
    struct stat st;
    int exists = stat(path, &st) == 0, ok;
    char *dir;

    if (exists && (S_ISDIR(st.st_mode) || (atomic && !S_ISREG(st.st_mode))))
        return netc_fail(err, "%s: exists and is not a regular file; refusing to replace it",
                         path);
    if (exists && !atomic) {
        ok = access(path, W_OK) == 0;
    } else {
        if (!(dir = directory_of(path)))
            return netc_fail(err, "out of memory");
        ok = access(dir, W_OK) == 0;
        free(dir);
    }
    return ok ? 0 : netc_fail(err, "%s: cannot be written: %s\nhint: is the directory there "
                              "and writable?", path, strerror(errno));
}

int netc_check_writable(const netc_options *o, netc_error *err)
{
    char *ckpt = netc_checkpoint_path(o);
    int rc;

    if (!ckpt)
        return netc_fail(err, "out of memory");
    rc = check_one(o->save, 1, err);
    if (rc == 0)
        rc = check_one(ckpt, 1, err);
    if (rc == 0 && o->log)
        rc = check_one(o->log, 0, err);
    free(ckpt);
    return rc;
}

/* checkpoint.c - the training run's checkpoint file: written atomically, read strictly.
 *
 * Layout (all integers little-endian, f64 as IEEE-754 bits; docs/weights.md):
 *   "NETCCKPT" u32 version
 *   str network, str netc_version, str source_hash          (str: u32 length + bytes)
 *   f64 lr, u32 epochs, u32 batch, u32 limit, u32 shuffle, u64 seed
 *   (version 3:) f64 validation, u32 early_stop, u32 keep_best
 *   u32 epoch, u32 pos, f64 loss_sum, f64 elapsed_s, u64 rng[4]
 *   u32 n_samples, u64 data_hash, u32 order[n_samples]
 *   u32 n_rows, n_rows x (u32 epoch, 7 x f64 figures; version 3: 18, + val_loss, val_acc,
 *                         and train, test and val fits' mae, rmse, r2)
 *   (version 3:) f64 plateau lr, f64 plateau best, u32 bad epochs, u32 cooldown left,
 *                f64 best_loss, u32 best_epoch, u64 n_best, n_best x f32 best weights
 *   u64 state_size, state_size bytes of model state
 *   u64 FNV-1a 64 of every byte before it */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/atomic.h"
#include "train/checkpoint.h"

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL
#define CKPT_MAX_STRING 4096
#define CKPT_ROW_BYTES(version) (4 + ((version) >= 3 ? 18 : 7) * 8)

static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ p[i]) * FNV_PRIME;
    return h;
}

/* FNV-1a over 64-bit words: eight times fewer multiplications on a large data set. */
static uint64_t fnv1a_words(uint64_t h, const unsigned char *p, size_t n)
{
    uint64_t w;

    for (; n >= 8; p += 8, n -= 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * FNV_PRIME;
    }
    return fnv1a(h, p, n);
}

uint64_t netc_dataset_fingerprint(const netc_dataset *ds)
{
    uint64_t h = fnv1a(FNV_OFFSET, (const unsigned char *)&ds->n_input, sizeof ds->n_input);

    h = fnv1a_words(h, (const unsigned char *)ds->x,
                    (size_t)ds->n * (size_t)ds->n_input * sizeof *ds->x);
    if (ds->labels)
        h = fnv1a_words(h, (const unsigned char *)ds->labels, (size_t)ds->n * sizeof *ds->labels);
    if (ds->targets)            /* a regression network's real-valued targets */
        h = fnv1a_words(h, (const unsigned char *)ds->targets,
                        (size_t)ds->n * (size_t)ds->n_target * sizeof *ds->targets);
    return h;
}

/* ---- writing ------------------------------------------------------------------- */

/* Bytes out, hashed on the way. */
typedef struct sink {
    FILE *out;
    uint64_t hash;
    int failed;
} sink;

static void put(sink *s, const void *p, size_t n)
{
    if (s->failed || n == 0)
        return;
    s->hash = fnv1a(s->hash, p, n);
    s->failed = fwrite(p, 1, n, s->out) != n;
}

/* v as `bytes` little-endian bytes. */
static void put_le(sink *s, uint64_t v, int bytes)
{
    unsigned char b[8];
    int i;

    for (i = 0; i < bytes; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    put(s, b, (size_t)bytes);
}

static void put_u64(sink *s, uint64_t v)
{
    put_le(s, v, 8);
}

static void put_u32(sink *s, uint32_t v)
{
    put_le(s, v, 4);
}

static void put_f64(sink *s, double v)
{
    uint64_t bits;

    memcpy(&bits, &v, sizeof bits);
    put_u64(s, bits);
}

static void put_str(sink *s, const char *str)
{
    str = str ? str : "";
    put_u32(s, (uint32_t)strlen(str));
    put(s, str, strlen(str));
}

static void put_fit(sink *s, const netc_fit *f)
{
    put_f64(s, f->mae);
    put_f64(s, f->rmse);
    put_f64(s, f->r2);
}

static void put_row(sink *s, const netc_epoch_metrics *r)
{
    put_u32(s, (uint32_t)r->epoch);
    put_f64(s, r->train_loss);
    put_f64(s, r->train_acc);
    put_f64(s, r->test_loss);
    put_f64(s, r->test_acc);
    put_f64(s, r->learning_rate);
    put_f64(s, r->samples_per_s);
    put_f64(s, r->elapsed_s);
    put_f64(s, r->val_loss);
    put_f64(s, r->val_acc);
    put_fit(s, &r->train_fit);
    put_fit(s, &r->test_fit);
    put_fit(s, &r->val_fit);
}

/* What the validation losses decided so far. */
static void put_monitor(sink *s, const netc_checkpoint *c)
{
    size_t i;
    uint32_t bits;

    put_f64(s, c->plateau.lr);
    put_f64(s, c->plateau.best);
    put_u32(s, (uint32_t)c->plateau.bad_epochs);
    put_u32(s, (uint32_t)c->plateau.cooldown_left);
    put_f64(s, c->best_loss);
    put_u32(s, (uint32_t)c->best_epoch);
    put_u64(s, (uint64_t)c->n_best);
    for (i = 0; i < c->n_best; i++) {
        memcpy(&bits, &c->best[i], sizeof bits);
        put_u32(s, bits);
    }
}

static int write_checkpoint(FILE *out, const void *ctx)
{
    const netc_checkpoint *c = ctx;
    sink s = { NULL, FNV_OFFSET, 0 };
    int i;

    s.out = out;
    put(&s, NETC_CKPT_MAGIC, 8);
    put_u32(&s, NETC_CKPT_VERSION);
    put_str(&s, c->network);
    put_str(&s, c->netc_version);
    put_str(&s, c->source_hash);
    put_str(&s, c->save);
    put_f64(&s, c->lr);
    put_u32(&s, (uint32_t)c->epochs);
    put_u32(&s, (uint32_t)c->batch);
    put_u32(&s, (uint32_t)c->limit);
    put_u32(&s, (uint32_t)c->shuffle);
    put_u64(&s, c->seed);
    put_f64(&s, c->validation);
    put_u32(&s, (uint32_t)c->early_stop);
    put_u32(&s, (uint32_t)c->keep_best);
    put_u32(&s, (uint32_t)c->epoch);
    put_u32(&s, (uint32_t)c->pos);
    put_f64(&s, c->loss_sum);
    put_f64(&s, c->elapsed_s);
    for (i = 0; i < 4; i++)
        put_u64(&s, c->rng.s[i]);
    put_u32(&s, (uint32_t)c->n_samples);
    put_u64(&s, c->data_hash);
    for (i = 0; i < c->n_samples; i++)
        put_u32(&s, (uint32_t)c->order[i]);
    put_u32(&s, (uint32_t)c->n_rows);
    for (i = 0; i < c->n_rows; i++)
        put_row(&s, &c->rows[i]);
    put_monitor(&s, c);
    put_u64(&s, (uint64_t)c->state_size);
    put(&s, c->state, c->state_size);
    put_u64(&s, s.hash);
    return s.failed ? -1 : 0;
}

int netc_checkpoint_write(const char *path, const netc_checkpoint *c, netc_error *err)
{
    const char *names[4];
    int i;

    names[0] = c->network;
    names[1] = c->netc_version;
    names[2] = c->source_hash;
    names[3] = c->save;
    for (i = 0; i < 4; i++)
        if (names[i] && strlen(names[i]) > CKPT_MAX_STRING)
            return netc_fail(err, "%s: name '%.40s...' is too long for a checkpoint", path,
                             names[i]);
    return netc_write_atomic(path, write_checkpoint, c, err);
}

/* ---- reading ------------------------------------------------------------------- */

/* A cursor over the file's bytes; every read is bounds-checked. */
typedef struct source {
    const unsigned char *p;
    size_t n, pos;
    uint32_t version;           /* the file's format version */
    const char *path;
    netc_error *err;
} source;

static int need(source *s, size_t n, const char *what)
{
    if (n <= s->n - s->pos)
        return 0;
    return netc_fail(s->err, "%s: byte %zu: the file ends inside %s\nhint: the checkpoint is "
                     "truncated or corrupt", s->path, s->pos, what);
}

/* A little-endian unsigned integer of `bytes` bytes (at most 8). */
static int get_le(source *s, int bytes, uint64_t *v, const char *what)
{
    int i;

    if (need(s, (size_t)bytes, what) < 0)
        return -1;
    *v = 0;
    for (i = bytes - 1; i >= 0; i--)
        *v = *v << 8 | s->p[s->pos + (size_t)i];
    s->pos += (size_t)bytes;
    return 0;
}

static int get_u64(source *s, uint64_t *v, const char *what)
{
    return get_le(s, 8, v, what);
}

static int get_u32(source *s, uint32_t *v, const char *what)
{
    uint64_t w;

    if (get_le(s, 4, &w, what) < 0)
        return -1;
    *v = (uint32_t)w;
    return 0;
}

/* A u32 that must lie within [lo, hi]. */
static int get_int(source *s, int *v, long lo, long hi, const char *what)
{
    size_t at = s->pos;
    uint32_t u;

    if (get_u32(s, &u, what) < 0)
        return -1;
    if ((long)u < lo || (long)u > hi)
        return netc_fail(s->err, "%s: byte %zu: %s is %lu, expected %ld to %ld", s->path, at,
                         what, (unsigned long)u, lo, hi);
    *v = (int)u;
    return 0;
}

static int get_f64(source *s, double *v, const char *what)
{
    uint64_t bits;

    if (get_u64(s, &bits, what) < 0)
        return -1;
    memcpy(v, &bits, sizeof bits);
    return 0;
}

/* A string into storage (NUL-terminated), *str pointing at it. */
static int get_str(source *s, char **cursor, const char **str, const char *what)
{
    int len;

    if (get_int(s, &len, 0, CKPT_MAX_STRING, what) < 0 || need(s, (size_t)len, what) < 0)
        return -1;
    memcpy(*cursor, s->p + s->pos, (size_t)len);
    (*cursor)[len] = 0;
    *str = *cursor;
    *cursor += len + 1;
    s->pos += (size_t)len;
    return 0;
}

static int get_header(source *s, netc_checkpoint *c)
{
    uint32_t version;
    char *cursor;

    if (s->n < 8 || memcmp(s->p, NETC_CKPT_MAGIC, 8) != 0)
        return netc_fail(s->err, "%s: byte 0: expected the magic \"%s\" of a netc checkpoint"
                         "\nhint: pass the .ckpt file a trainer wrote, not its weights", s->path,
                         NETC_CKPT_MAGIC);
    s->pos = 8;
    if (get_u32(s, &version, "the format version") < 0)
        return -1;
    s->version = version;
    if (version < 1 || version > NETC_CKPT_VERSION)
        return netc_fail(s->err, "%s: byte 8: checkpoint format version %lu, expected 1 to %d",
                         s->path, (unsigned long)version, NETC_CKPT_VERSION);
    c->storage = cursor = netc_alloc(4, CKPT_MAX_STRING + 1, s->path, s->err);
    if (!cursor)
        return -1;
    c->save = "";
    return get_str(s, &cursor, &c->network, "the network name") < 0 ||
           get_str(s, &cursor, &c->netc_version, "the netc version") < 0 ||
           get_str(s, &cursor, &c->source_hash, "the source hash") < 0 ||
           (version >= 2 && get_str(s, &cursor, &c->save, "the weights file") < 0) ? -1 : 0;
}

static int get_validation(source *s, netc_checkpoint *c)
{
    size_t at = s->pos;

    if (get_f64(s, &c->validation, "the validation setting") < 0)
        return -1;
    if (!(c->validation >= 0) || !isfinite(c->validation) ||
        (c->validation >= 1 && c->validation != floor(c->validation)))
        return netc_fail(s->err, "%s: byte %zu: validation %g, expected 0, a fraction below 1 "
                         "or a number of samples", s->path, at, c->validation);
    return get_int(s, &c->early_stop, 0, 1000000, "the early-stop patience") < 0 ||
           get_int(s, &c->keep_best, 0, 1, "the keep-best flag") < 0 ? -1 : 0;
}

static int get_settings(source *s, netc_checkpoint *c)
{
    size_t at = s->pos;

    if (get_f64(s, &c->lr, "the learning rate") < 0)
        return -1;
    if (!(c->lr > 0) || !isfinite(c->lr))
        return netc_fail(s->err, "%s: byte %zu: learning rate %g, expected a positive number",
                         s->path, at, c->lr);
    return get_int(s, &c->epochs, 1, 1000000, "the number of epochs") < 0 ||
           get_int(s, &c->batch, 1, INT_MAX, "the batch size") < 0 ||
           get_int(s, &c->limit, 0, INT_MAX, "the sample limit") < 0 ||
           get_int(s, &c->shuffle, 0, 1, "the shuffle flag") < 0 ||
           get_u64(s, &c->seed, "the seed") < 0 ||
           (s->version >= 3 && get_validation(s, c) < 0) ? -1 : 0;
}

static int get_position(source *s, netc_checkpoint *c)
{
    int i;

    if (get_int(s, &c->epoch, 0, c->epochs, "the epoch") < 0 ||
        get_int(s, &c->pos, 0, INT_MAX, "the position in the epoch") < 0 ||
        get_f64(s, &c->loss_sum, "the epoch's loss so far") < 0 ||
        get_f64(s, &c->elapsed_s, "the elapsed time") < 0)
        return -1;
    for (i = 0; i < 4; i++)
        if (get_u64(s, &c->rng.s[i], "the shuffle generator's state") < 0)
            return -1;
    if (!netc_rng_valid(&c->rng))
        return netc_fail(s->err, "%s: byte %zu: the shuffle generator's state is all zeros, "
                         "which no seed gives", s->path, s->pos - 32);
    if (!isfinite(c->loss_sum) || !isfinite(c->elapsed_s))
        return netc_fail(s->err, "%s: byte %zu: the loss or time so far is not finite",
                         s->path, s->pos - 48);
    return 0;
}

/* order[] must be a permutation of 0..n-1, else shuffling would index out of range. */
static int get_order(source *s, netc_checkpoint *c)
{
    unsigned char *seen;
    size_t at;
    int i;

    if (get_int(s, &c->n_samples, 1, INT_MAX, "the number of samples") < 0 ||
        get_u64(s, &c->data_hash, "the data fingerprint") < 0)
        return -1;
    at = s->pos;
    if (need(s, (size_t)c->n_samples * 4, "the sample order") < 0)
        return -1;
    if (c->pos > c->n_samples || (c->epoch == c->epochs && c->pos != 0))
        return netc_fail(s->err, "%s: byte %zu: position %d in epoch %d of %d does not fit %d "
                         "samples", s->path, at - 20, c->pos, c->epoch + 1, c->epochs,
                         c->n_samples);
    c->order = netc_alloc((size_t)c->n_samples, sizeof *c->order, s->path, s->err);
    seen = netc_alloc((size_t)c->n_samples, 1, s->path, s->err);
    if (seen)
        memset(seen, 0, (size_t)c->n_samples);
    for (i = 0; c->order && seen && i < c->n_samples; i++) {
        at = s->pos;
        if (get_int(s, &c->order[i], 0, c->n_samples - 1, "a sample index") < 0)
            break;
        if (seen[c->order[i]]++) {
            netc_fail(s->err, "%s: byte %zu: sample %d appears twice in the sample order",
                      s->path, at, c->order[i]);
            break;
        }
    }
    free(seen);
    return c->order && seen && i == c->n_samples ? 0 : -1;
}

/* Three figures, within the row need() checked. */
static void get_fit(source *s, netc_fit *f)
{
    get_f64(s, &f->mae, "a figure");
    get_f64(s, &f->rmse, "a figure");
    get_f64(s, &f->r2, "a figure");
}

static int get_rows(source *s, netc_checkpoint *c)
{
    const netc_fit no_fit = { NAN, NAN, NAN };
    int i;

    if (get_int(s, &c->n_rows, c->epoch, c->epoch, "the number of finished epochs") < 0 ||
        need(s, (size_t)c->n_rows * CKPT_ROW_BYTES(s->version), "the epochs' figures") < 0)
        return -1;
    c->rows = netc_alloc((size_t)c->n_rows, sizeof *c->rows, s->path, s->err);
    for (i = 0; c->rows && i < c->n_rows; i++) {
        netc_epoch_metrics *r = &c->rows[i];
        if (get_int(s, &r->epoch, i + 1, i + 1, "an epoch number") < 0)
            return -1;
        /* the figures cannot run past the end: need() checked every row above */
        get_f64(s, &r->train_loss, "a figure");
        get_f64(s, &r->train_acc, "a figure");
        get_f64(s, &r->test_loss, "a figure");
        get_f64(s, &r->test_acc, "a figure");
        get_f64(s, &r->learning_rate, "a figure");
        get_f64(s, &r->samples_per_s, "a figure");
        get_f64(s, &r->elapsed_s, "a figure");
        r->val_loss = r->val_acc = NAN;
        r->train_fit = r->test_fit = r->val_fit = no_fit;
        if (s->version >= 3) {
            get_f64(s, &r->val_loss, "a figure");
            get_f64(s, &r->val_acc, "a figure");
            get_fit(s, &r->train_fit);
            get_fit(s, &r->test_fit);
            get_fit(s, &r->val_fit);
        }
    }
    return c->rows ? 0 : -1;
}

/* What the validation losses decided (before version 3: nothing yet, as a fresh run). */
static int get_monitor(source *s, netc_checkpoint *c)
{
    uint64_t n_best;
    size_t i, at;

    netc_plateau_start(&c->plateau, c->lr);
    c->best_loss = INFINITY;
    if (s->version < 3)
        return 0;
    if (get_f64(s, &c->plateau.lr, "the plateau schedule's rate") < 0 ||
        get_f64(s, &c->plateau.best, "the plateau schedule's best loss") < 0 ||
        get_int(s, &c->plateau.bad_epochs, 0, INT_MAX, "the plateau schedule's bad epochs") < 0 ||
        get_int(s, &c->plateau.cooldown_left, 0, INT_MAX, "the plateau schedule's cooldown") < 0 ||
        get_f64(s, &c->best_loss, "the best validation loss") < 0 ||
        get_int(s, &c->best_epoch, 0, c->epoch, "the best epoch") < 0)
        return -1;
    at = s->pos;
    if (!(c->plateau.lr > 0) || !isfinite(c->plateau.lr))
        return netc_fail(s->err, "%s: byte %zu: the plateau schedule's rate is %g, expected a "
                         "positive number", s->path, at - 40, c->plateau.lr);
    if (get_u64(s, &n_best, "the best weights' size") < 0)
        return -1;
    if (n_best > (s->n - s->pos) / 4)
        return need(s, (size_t)-1, "the best weights");
    c->n_best = (size_t)n_best;
    c->best = c->n_best ? netc_alloc(c->n_best, sizeof *c->best, s->path, s->err) : NULL;
    if (c->n_best && !c->best)
        return -1;
    for (i = 0; i < c->n_best; i++) {
        uint32_t bits = 0;
        get_u32(s, &bits, "the best weights");     /* within the size checked above */
        memcpy(&c->best[i], &bits, sizeof bits);
    }
    return 0;
}

static int get_state(source *s, netc_checkpoint *c)
{
    uint64_t size;

    if (get_u64(s, &size, "the state size") < 0)
        return -1;
    if (size != s->n - s->pos - 8)
        return netc_fail(s->err, "%s: byte %zu: the state is %llu bytes but %zu bytes follow "
                         "before the checksum\nhint: the checkpoint is truncated or corrupt",
                         s->path, s->pos - 8, (unsigned long long)size, s->n - s->pos - 8);
    c->state_size = (size_t)size;
    c->state = netc_alloc(c->state_size, 1, s->path, s->err);
    if (!c->state)
        return -1;
    memcpy(c->state, s->p + s->pos, c->state_size);
    s->pos += c->state_size;
    return 0;
}

/* The checksum first: a damaged file is reported as such, not as a strange field. */
static int check_sum(source *s)
{
    uint64_t want = 0, have;
    int i;

    if (s->n < 20)
        return netc_fail(s->err, "%s: byte 0: file is %zu bytes, too short for a checkpoint",
                         s->path, s->n);
    for (i = 7; i >= 0; i--)
        want = want << 8 | s->p[s->n - 8 + (size_t)i];
    have = fnv1a(FNV_OFFSET, s->p, s->n - 8);
    if (have != want)
        return netc_fail(s->err, "%s: byte %zu: stored checksum %016llx, but the contents hash "
                         "to %016llx: the file is truncated or corrupt\nhint: resume from an older copy, or train "
                         "again", s->path, s->n - 8, (unsigned long long)want,
                         (unsigned long long)have);
    return 0;
}

int netc_checkpoint_read(const char *path, netc_checkpoint *c, netc_error *err)
{
    unsigned char *buf;
    source s;
    int rc;

    memset(c, 0, sizeof *c);
    if (netc_read_file(path, SIZE_MAX - 1, &buf, &s.n, err) < 0)
        return -1;
    s.p = buf;
    s.pos = 0;
    s.path = path;
    s.err = err;
    rc = get_header(&s, c);
    if (rc == 0)
        rc = check_sum(&s);
    if (rc == 0)
        rc = get_settings(&s, c) < 0 || get_position(&s, c) < 0 || get_order(&s, c) < 0 ||
             get_rows(&s, c) < 0 || get_monitor(&s, c) < 0 || get_state(&s, c) < 0 ? -1 : 0;
    free(buf);
    if (rc < 0)
        netc_checkpoint_free(c);
    return rc;
}

int netc_checkpoint_matches(const char *path, const netc_checkpoint *c, const netc_model *m,
                            netc_error *err)
{
    const char *hash = m->source_hash ? m->source_hash : "";
    const char *version = m->netc_version ? m->netc_version : "";

    if (strcmp(c->network, m->name) != 0 || strcmp(c->source_hash, hash) != 0)
        return netc_fail(err, "%s: checkpoint of network '%s' (source hash %s), but this "
                         "trainer is network '%s' (source hash %s)\nhint: resume with the "
                         "trainer built from the same .net file", path, c->network,
                         c->source_hash, m->name, hash);
    if (strcmp(c->netc_version, version) != 0 || c->state_size != m->state_size)
        return netc_fail(err, "%s: checkpoint written by netc %s (state of %zu bytes), this "
                         "trainer was built by netc %s (%zu bytes)\nhint: resume with the "
                         "trainer that wrote it", path, c->netc_version, c->state_size,
                         version, m->state_size);
    return 0;
}

void netc_checkpoint_free(netc_checkpoint *c)
{
    free(c->order);
    free(c->rows);
    free(c->best);
    free(c->state);
    free(c->storage);
    memset(c, 0, sizeof *c);
}

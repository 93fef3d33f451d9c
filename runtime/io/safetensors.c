/* safetensors.c - strict reader and atomic writer of .safetensors files.
 *
 * Format: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
 *   {"NAME": {"dtype": "F32", "shape": [o, i], "data_offsets": [begin, end]}, ...,
 *    "__metadata__": {"key": "value", ...}}
 * (padded with spaces), then the data section; offsets are relative to its start.
 * The header parser below accepts exactly that grammar, nothing more, reading its
 * tokens with io/json.c: its depth is fixed by the grammar, so hostile nesting is
 * rejected without recursion. */
#include <stdlib.h>
#include <string.h>

#include "io/atomic.h"
#include "io/json.h"
#include "io/safetensors.h"

#define ST_MAX_DIM ((uint64_t)1 << 40)

/* ---- tensor entries ---------------------------------------------------------------- */

static const char *const other_dtypes[] = {
    "F64", "F16", "BF16", "I64", "I32", "I16", "I8", "U64", "U32", "U16", "U8", "BOOL",
    "F8_E4M3", "F8_E5M2", NULL
};

static int check_dtype(netc_json *j, const char *name, const char *dtype)
{
    int i;

    if (strcmp(dtype, "F32") == 0)
        return 0;
    for (i = 0; other_dtypes[i]; i++)
        if (strcmp(dtype, other_dtypes[i]) == 0)
            return netc_json_fail(j, "tensor '%s' has dtype %s; netc reads only F32\nhint: convert "
                                  "it before saving, e.g. tensor.float() in PyTorch", name, dtype);
    return netc_json_fail(j, "tensor '%s': unknown dtype '%s' (expected F32)", name, dtype);
}

static int parse_shape(netc_json *j, netc_st_entry *e)
{
    uint64_t dims[NETC_ST_MAX_RANK];
    int i;

    if (netc_json_uint_array(j, dims, NETC_ST_MAX_RANK, &e->rank, "a shape dimension") < 0)
        return -1;
    for (i = 0; i < e->rank; i++) {
        if (dims[i] > ST_MAX_DIM)
            return netc_json_fail(j, "tensor '%s': dimension %llu is too large", e->name,
                                  (unsigned long long)dims[i]);
        e->shape[i] = (int64_t)dims[i];
    }
    return 0;
}

static int parse_offsets(netc_json *j, netc_st_entry *e)
{
    uint64_t v[2];
    int n;

    if (netc_json_uint_array(j, v, 2, &n, "a data offset") < 0)
        return -1;
    if (n != 2)
        return netc_json_fail(j, "tensor '%s': data_offsets needs 2 numbers [begin, end], "
                              "found %d", e->name, n);
    if (v[0] > v[1])
        return netc_json_fail(j, "tensor '%s': data_offsets [%llu, %llu] end before they begin",
                              e->name, (unsigned long long)v[0], (unsigned long long)v[1]);
    e->begin = (size_t)v[0];
    e->end = (size_t)v[1];
    return 0;
}

/* One key of a tensor entry; seen[] catches repeated keys. */
static int parse_entry_key(netc_json *j, netc_st_entry *e, int seen[3])
{
    static const char *const keys[] = { "dtype", "shape", "data_offsets" };
    char *key, *dtype;
    int k, rc;

    if (netc_json_string(j, &key, "a key: \"dtype\", \"shape\" or \"data_offsets\"") < 0)
        return -1;
    for (k = 0; k < 3 && strcmp(key, keys[k]) != 0; k++)
        ;
    if (k == 3 || seen[k]) {
        rc = netc_json_fail(j, "tensor '%s': %s key \"%s\"", e->name,
                            k == 3 ? "unknown" : "repeated", key);
        free(key);
        return rc;
    }
    free(key);
    seen[k] = 1;
    if (netc_json_expect(j, ':', "':'") < 0)
        return -1;
    if (k == 1)
        return parse_shape(j, e);
    if (k == 2)
        return parse_offsets(j, e);
    if (netc_json_string(j, &dtype, "a dtype string") < 0)
        return -1;
    rc = check_dtype(j, e->name, dtype);
    free(dtype);
    return rc;
}

/* {"dtype": ..., "shape": [...], "data_offsets": [b, e]} */
static int parse_entry(netc_json *j, netc_st_entry *e)
{
    int seen[3] = { 0, 0, 0 };

    if (netc_json_expect(j, '{', "'{' starting the tensor's description") < 0)
        return -1;
    do {
        if (parse_entry_key(j, e, seen) < 0)
            return -1;
    } while (netc_json_accept(j, ','));
    if (netc_json_expect(j, '}', "',' or '}'") < 0)
        return -1;
    if (!seen[0] || !seen[1] || !seen[2])
        return netc_json_fail(j, "tensor '%s' lacks \"%s\"", e->name,
                              !seen[0] ? "dtype" : !seen[1] ? "shape" : "data_offsets");
    return 0;
}

/* The array with room for element n (moved if it had to grow), or NULL. */
static void *grow(void *array, int *cap, int n, size_t elem, netc_json *j)
{
    void *p;
    int ncap;

    if (n < *cap)
        return array;
    ncap = *cap ? 2 * *cap : 16;
    p = realloc(array, (size_t)ncap * elem);
    if (!p) {
        netc_fail(j->err, "%s: out of memory reading the header", j->path);
        return NULL;
    }
    *cap = ncap;
    return p;
}

/* One "key": "value" pair of the metadata. */
static int parse_meta_pair(netc_json *j, netc_st_file *f, int *cap)
{
    int old_cap = *cap;
    char **keys = grow(f->meta_keys, cap, f->n_meta, sizeof *keys, j), **values;

    if (!keys)
        return -1;
    f->meta_keys = keys;
    values = grow(f->meta_values, &old_cap, f->n_meta, sizeof *values, j);
    if (!values)
        return -1;
    f->meta_values = values;
    values[f->n_meta] = NULL;
    if (netc_json_string(j, &keys[f->n_meta], "a metadata key") < 0)
        return -1;
    f->n_meta++;
    if (netc_json_expect(j, ':', "':'") < 0)
        return -1;
    return netc_json_string(j, &values[f->n_meta - 1],
                            "a string value (metadata values are strings)");
}

/* "__metadata__": {"key": "value", ...} */
static int parse_metadata(netc_json *j, netc_st_file *f, int *seen)
{
    int cap = 0;

    if ((*seen)++)
        return netc_json_fail(j, "\"__metadata__\" appears twice");
    if (netc_json_expect(j, '{', "'{' starting the metadata") < 0)
        return -1;
    if (netc_json_accept(j, '}'))
        return 0;
    do {
        if (parse_meta_pair(j, f, &cap) < 0)
            return -1;
    } while (netc_json_accept(j, ','));
    return netc_json_expect(j, '}', "',' or '}'");
}

/* Room for one more entry. */
static netc_st_entry *new_entry(netc_json *j, netc_st_file *f, int *cap)
{
    netc_st_entry *t = grow(f->tensors, cap, f->n_tensor, sizeof *t, j);

    if (!t)
        return NULL;
    f->tensors = t;
    memset(&f->tensors[f->n_tensor], 0, sizeof *f->tensors);
    return &f->tensors[f->n_tensor++];
}

static int parse_member(netc_json *j, netc_st_file *f, int *cap, int *meta_seen)
{
    size_t at;
    char *name;
    netc_st_entry *e;

    netc_json_skip_ws(j);
    at = j->pos;
    if (netc_json_string(j, &name, "a tensor name") < 0)
        return -1;
    if (strcmp(name, "__metadata__") == 0) {
        free(name);
        return netc_json_expect(j, ':', "':'") < 0 ? -1 : parse_metadata(j, f, meta_seen);
    }
    e = new_entry(j, f, cap);
    if (!e) {
        free(name);
        return -1;
    }
    e->name = name;
    e->header_pos = j->base + at;
    return netc_json_expect(j, ':', "':'") < 0 ? -1 : parse_entry(j, e);
}

static int parse_header(netc_json *j, netc_st_file *f)
{
    int cap = 0, meta_seen = 0;

    if (netc_json_expect(j, '{', "'{' (the header is a JSON object)") < 0)
        return -1;
    if (!netc_json_accept(j, '}')) {
        do {
            if (parse_member(j, f, &cap, &meta_seen) < 0)
                return -1;
        } while (netc_json_accept(j, ','));
        if (netc_json_expect(j, '}', "',' or '}'") < 0)
            return -1;
    }
    netc_json_skip_ws(j);
    if (j->pos != j->n)
        return netc_json_fail(j, "found %s after the header object (the header is one JSON "
                              "object, padded with spaces)", netc_json_found(j));
    return 0;
}

/* ---- validation ----------------------------------------------------------------- */

static int by_name(const void *a, const void *b)
{
    return strcmp(((const netc_st_entry *)a)->name, ((const netc_st_entry *)b)->name);
}

static int by_begin(const void *a, const void *b)
{
    const netc_st_entry *x = a, *y = b;
    return x->begin < y->begin ? -1 : x->begin > y->begin ? 1 : x->end < y->end ? -1 : x->end > y->end;
}

/* Elements of e's shape, or limit + 1 when that is more than limit (no overflow). */
static uint64_t numel_upto(const netc_st_entry *e, uint64_t limit)
{
    uint64_t n = 1;
    int i;

    for (i = 0; i < e->rank; i++)
        if (e->shape[i] == 0)
            return 0;
    for (i = 0; i < e->rank; i++) {
        if (n > limit / (uint64_t)e->shape[i])
            return limit + 1;
        n *= (uint64_t)e->shape[i];
    }
    return n;
}

static int check_sizes(const netc_st_file *f, const netc_st_entry *e, netc_error *err)
{
    uint64_t limit = UINT64_MAX / 4, numel = numel_upto(e, limit);

    if (e->end > f->data_size)
        return netc_fail(err, "%s: byte %zu: tensor '%s': data_offsets end at %zu, past the end "
                         "of the %zu-byte data section", f->path, e->header_pos, e->name, e->end,
                         f->data_size);
    if (numel > limit)
        return netc_fail(err, "%s: byte %zu: tensor '%s': its shape has more than 2^62 elements",
                         f->path, e->header_pos, e->name);
    if (numel * 4 != e->end - e->begin)
        return netc_fail(err, "%s: byte %zu: tensor '%s': data_offsets span %zu bytes but its "
                         "shape needs %llu x 4", f->path, e->header_pos, e->name,
                         e->end - e->begin, (unsigned long long)numel);
    return 0;
}

/* Names unique; each tensor's bytes inside the data, sized by its shape; the tensors
 * tile the data section exactly (no overlap, no gap), as the reference reader demands. */
static int check_layout(netc_st_file *f, netc_error *err)
{
    netc_st_entry *t;
    size_t at = 0;
    int i, rc = 0;

    for (i = 0; i < f->n_tensor; i++)
        if (check_sizes(f, &f->tensors[i], err) < 0)
            return -1;
    t = netc_alloc((size_t)f->n_tensor, sizeof *t, f->path, err);
    if (!t)
        return -1;
    if (f->n_tensor)
        memcpy(t, f->tensors, (size_t)f->n_tensor * sizeof *t);
    qsort(t, (size_t)f->n_tensor, sizeof *t, by_name);
    for (i = 1; i < f->n_tensor && rc == 0; i++)
        if (strcmp(t[i - 1].name, t[i].name) == 0)
            rc = netc_fail(err, "%s: byte %zu: tensor name '%s' appears twice", f->path,
                           t[i - 1].header_pos > t[i].header_pos ? t[i - 1].header_pos
                           : t[i].header_pos, t[i].name);
    if (f->n_tensor)
        qsort(t, (size_t)f->n_tensor, sizeof *t, by_begin);
    for (i = 0; i < f->n_tensor && rc == 0; at = t[i].end, i++)
        if (t[i].begin != at)
            rc = netc_fail(err, "%s: byte %zu: tensor '%s': data_offsets [%zu, %zu] %s\n"
                           "hint: tensors must be stored one after another, without gaps",
                           f->path, t[i].header_pos, t[i].name, t[i].begin, t[i].end,
                           t[i].begin < at ? "overlap the previous tensor" : "leave a gap");
    if (rc == 0 && at != f->data_size)
        rc = netc_fail(err, "%s: byte %zu: %zu bytes after the last tensor's data", f->path,
                       (size_t)(f->data - f->buffer) + at,
                       f->data_size - at);
    free(t);
    return rc;
}

static uint64_t read_le64(const unsigned char *p)
{
    uint64_t v = 0;
    int i;

    for (i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static int read_st(const char *path, netc_st_file *f, netc_error *err)
{
    size_t size, bad;
    uint64_t n;
    netc_json j;

    if (netc_read_file(path, SIZE_MAX - 1, &f->buffer, &size, err) < 0)
        return -1;
    if (size < 8)
        return netc_fail(err, "%s: byte 0: file is %zu bytes, too short for the 8-byte header "
                         "length\nhint: is this a safetensors file?", path, size);
    n = read_le64(f->buffer);
    if (n > NETC_ST_MAX_HEADER || n > size - 8)
        return netc_fail(err, "%s: byte 0: header length %llu is %s\nhint: is this a "
                         "safetensors file?", path, (unsigned long long)n,
                         n > size - 8 ? "past the end of the file" : "absurd (over 100 MB)");
    bad = netc_utf8_invalid_at(f->buffer + 8, (size_t)n);
    if (bad < n)
        return netc_fail(err, "%s: byte %zu: the header is not valid UTF-8 (byte 0x%02x)", path,
                         8 + bad, f->buffer[8 + bad]);
    f->data = f->buffer + 8 + n;
    f->data_size = size - 8 - (size_t)n;
    j.s = (const char *)f->buffer + 8;
    j.n = (size_t)n;
    j.pos = 0;
    j.base = 8;
    j.path = path;
    j.err = err;
    if (parse_header(&j, f) < 0)
        return -1;
    return check_layout(f, err);
}

int netc_st_read(const char *path, netc_st_file *f, netc_error *err)
{
    memset(f, 0, sizeof *f);
    f->path = strdup(path);
    if (!f->path)
        return netc_fail(err, "%s: out of memory", path);
    if (read_st(path, f, err) < 0) {
        netc_st_free(f);
        return -1;
    }
    return 0;
}

void netc_st_free(netc_st_file *f)
{
    int i;

    for (i = 0; i < f->n_tensor; i++)
        free(f->tensors[i].name);
    for (i = 0; i < f->n_meta; i++) {
        free(f->meta_keys[i]);
        free(f->meta_values[i]);
    }
    free(f->meta_keys);
    free(f->meta_values);
    free(f->tensors);
    free(f->buffer);
    free(f->path);
    memset(f, 0, sizeof *f);
}

const netc_st_entry *netc_st_find(const netc_st_file *f, const char *name)
{
    int i;

    for (i = 0; i < f->n_tensor; i++)
        if (strcmp(f->tensors[i].name, name) == 0)
            return &f->tensors[i];
    return NULL;
}

const char *netc_st_meta(const netc_st_file *f, const char *key)
{
    int i;

    for (i = 0; i < f->n_meta; i++)
        if (f->meta_values[i] && strcmp(f->meta_keys[i], key) == 0)
            return f->meta_values[i];
    return NULL;
}

void netc_st_get_f32(const netc_st_file *f, const netc_st_entry *e, float *dst)
{
    const unsigned char *p = f->data + e->begin;
    size_t i, n = (e->end - e->begin) / 4;

    for (i = 0; i < n; i++, p += 4) {
        uint32_t bits = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                        (uint32_t)p[3] << 24;
        memcpy(&dst[i], &bits, sizeof bits);
    }
}

/* ---- writing ------------------------------------------------------------------- */

static size_t numel(const netc_st_out *o)
{
    size_t n = 1;
    int i;

    for (i = 0; i < o->rank; i++)
        n *= (size_t)o->shape[i];
    return n;
}

/* The JSON header, padded with spaces so that the data starts at a multiple of 8. */
static void build_header(netc_json_text *t, const netc_st_out *tensors, int n_tensor,
                         const char *const *keys, const char *const *values, int n_meta)
{
    size_t offset = 0;
    int i, d;

    netc_json_add(t, "{\"__metadata__\":{");
    for (i = 0; i < n_meta; i++) {
        netc_json_add(t, i ? "," : "");
        netc_json_add_string(t, keys[i]);
        netc_json_add(t, ":");
        netc_json_add_string(t, values[i]);
    }
    netc_json_add(t, "}");
    for (i = 0; i < n_tensor; i++) {
        netc_json_add(t, ",");
        netc_json_add_string(t, tensors[i].name);
        netc_json_add(t, ":{\"dtype\":\"F32\",\"shape\":[");
        for (d = 0; d < tensors[i].rank; d++)
            netc_json_add(t, d ? ",%lld" : "%lld", (long long)tensors[i].shape[d]);
        netc_json_add(t, "],\"data_offsets\":[%zu,%zu]}", offset, offset + 4 * numel(&tensors[i]));
        offset += 4 * numel(&tensors[i]);
    }
    netc_json_add(t, "}");
    while (t->len % 8)
        netc_json_add(t, " ");
}

static void put_le32(unsigned char *p, float v)
{
    uint32_t bits;

    memcpy(&bits, &v, sizeof bits);
    p[0] = (unsigned char)bits;
    p[1] = (unsigned char)(bits >> 8);
    p[2] = (unsigned char)(bits >> 16);
    p[3] = (unsigned char)(bits >> 24);
}

/* Element k of the tensor in file order (row-major [shape[0]][the rest]). */
static float element(const netc_st_out *o, size_t k)
{
    size_t rows, cols;

    if (!o->transposed || o->shape[0] == 0)
        return o->data[k];
    rows = (size_t)o->shape[0];
    cols = numel(o) / rows;
    return o->data[(k % cols) * rows + k / cols];  /* memory is [cols][rows] */
}

static int write_tensor(FILE *out, const netc_st_out *o)
{
    unsigned char buf[4096];
    size_t k, n = numel(o), used = 0;

    for (k = 0; k < n; k++) {
        put_le32(buf + used, element(o, k));
        used += 4;
        if (used == sizeof buf || k + 1 == n) {
            if (fwrite(buf, 1, used, out) != used)
                return -1;
            used = 0;
        }
    }
    return 0;
}

/* What write_file puts in the file. */
typedef struct st_content {
    const netc_json_text *header;
    const netc_st_out *tensors;
    int n_tensor;
} st_content;

static int write_file(FILE *out, const void *ctx)
{
    const st_content *c = ctx;
    unsigned char len[8];
    int i;

    for (i = 0; i < 8; i++)
        len[i] = (unsigned char)((uint64_t)c->header->len >> (8 * i));
    if (fwrite(len, 1, 8, out) != 8 || fwrite(c->header->p, 1, c->header->len, out) != c->header->len)
        return -1;
    for (i = 0; i < c->n_tensor; i++)
        if (write_tensor(out, &c->tensors[i]) < 0)
            return -1;
    return 0;
}

int netc_st_write(const char *path, const netc_st_out *tensors, int n_tensor,
                  const char *const *meta_keys, const char *const *meta_values, int n_meta,
                  netc_error *err)
{
    netc_json_text header = { NULL, 0, 0, 0 };
    st_content content;
    int i, rc;

    for (i = 0; i < n_tensor; i++)
        if (tensors[i].rank < 0 || tensors[i].rank > NETC_ST_MAX_RANK ||
            (tensors[i].transposed && tensors[i].rank < 2))
            return netc_fail(err, "%s: tensor '%s': cannot write rank %d%s", path,
                             tensors[i].name, tensors[i].rank,
                             tensors[i].transposed ? " transposed" : "");
    build_header(&header, tensors, n_tensor, meta_keys, meta_values, n_meta);
    if (header.failed) {
        free(header.p);
        return netc_fail(err, "%s: out of memory building the header", path);
    }
    content.header = &header;
    content.tensors = tensors;
    content.n_tensor = n_tensor;
    rc = netc_write_atomic(path, write_file, &content, err);
    free(header.p);
    return rc;
}

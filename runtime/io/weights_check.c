/* weights_check.c - what every reader of a weights file checks beyond its layout: whose
 * network it is, the tensors' shapes, and values that can be used (finite, standard
 * deviations above 0, no maximum below its minimum).  Messages name the file, and the
 * byte where there is one. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/weights_check.h"

int netc_weights_check_network(const netc_st_file *f, const char *network, int allow_other,
                               netc_error *err)
{
    const char *saved_by = netc_st_meta(f, "network");

    if (!saved_by || strcmp(saved_by, network) == 0 || allow_other)
        return 0;
    return netc_fail(err, "%s: saved by network '%s', not '%s': its tensors have the same "
                     "names and shapes, but they are another network's weights\nhint: to use "
                     "them anyway (say, to start training from them), pass "
                     "--allow-other-network", f->path, saved_by, network);
}

const netc_st_entry *netc_weights_find(const netc_st_file *f, const char *name,
                                       netc_error *err)
{
    const netc_st_entry *e = netc_st_find(f, name);

    if (!e)
        netc_fail(err, "%s: tensor '%s' is missing\nhint: was the file saved by a different "
                  "network?", f->path, name);
    return e;
}

int netc_weights_unknown(const netc_st_file *f, const netc_st_entry *e, const char *network,
                         netc_error *err)
{
    return netc_fail(err, "%s: byte %zu: unknown tensor '%s': network '%s' has no such "
                     "parameter\nhint: was the file saved by a different network?", f->path,
                     e->header_pos, e->name, network);
}

void netc_weights_shape_text(char *buf, size_t size, int rank, const int64_t *shape)
{
    size_t used = 0;
    int d;

    buf[0] = '\0';
    for (d = 0; d < rank && used < size; d++)
        used += (size_t)snprintf(buf + used, size - used, "%s%lld", d ? ", " : "[",
                                 (long long)shape[d]);
    if (used < size)
        snprintf(buf + used, size - used, rank ? "]" : "[]");
}

/* What a conv weight's dimensions are, for a message about its shape. */
static const char *dims_meaning(int rank)
{
    return rank == 4 ? " (filters, input channels, kernel height, kernel width)" : "";
}

int netc_weights_check_shape(const netc_st_file *f, const netc_st_entry *e, int rank,
                             const int64_t *want, netc_error *err)
{
    char have_s[96], want_s[96];
    int d, same = e->rank == rank;

    for (d = 0; d < rank && same; d++)
        same = e->shape[d] == want[d];
    if (same)
        return 0;
    netc_weights_shape_text(have_s, sizeof have_s, e->rank, e->shape);
    netc_weights_shape_text(want_s, sizeof want_s, rank, want);
    return netc_fail(err, "%s: byte %zu: %s: shape %s in file, network expects %s%s", f->path,
                     e->header_pos, e->name, have_s, want_s, dims_meaning(rank));
}

/* Element k of a tensor of that shape in file order as an index, " [1, 0, 2, 4]" (empty
 * for rank 1, where k says it). */
static void index_text(char *buf, size_t size, int rank, const int64_t *shape, size_t k)
{
    int64_t at[NETC_ST_MAX_RANK];
    int d;

    buf[0] = '\0';
    if (rank < 2 || rank > NETC_ST_MAX_RANK)
        return;
    for (d = rank - 1; d >= 0; d--) {
        at[d] = shape[d] ? (int64_t)(k % (size_t)shape[d]) : 0;
        k = shape[d] ? k / (size_t)shape[d] : 0;
    }
    buf[0] = ' ';
    netc_weights_shape_text(buf + 1, size - 1, rank, at);
}

/* The file offset of element k of tensor e. */
static size_t element_byte(const netc_st_file *f, const netc_st_entry *e, size_t k)
{
    return (size_t)(f->data - f->buffer) + e->begin + 4 * k;
}

int netc_weights_check_finite(const netc_st_file *f, const netc_st_entry *e, const float *v,
                              netc_error *err)
{
    size_t k, n = (e->end - e->begin) / 4;
    char at[96];

    for (k = 0; k < n && isfinite(v[k]); k++)
        ;
    if (k == n)
        return 0;
    index_text(at, sizeof at, e->rank, e->shape, k);
    return netc_fail(err, "%s: byte %zu: tensor '%s' element %zu%s is %s: weights must be "
                     "finite\nhint: was the file saved by a run that diverged?", f->path,
                     element_byte(f, e, k), e->name, k, at,
                     isnan(v[k]) ? "NaN" : v[k] > 0 ? "+infinity" : "-infinity");
}

int netc_weights_check_std(const netc_st_file *f, const netc_st_entry *e, const float *std,
                           netc_error *err)
{
    size_t k, n = (e->end - e->begin) / 4;

    for (k = 0; k < n; k++)
        if (!(std[k] > 0))
            return netc_fail(err, "%s: byte %zu: tensor '%s' element %zu is %g: a standard "
                             "deviation must be above 0", f->path, element_byte(f, e, k),
                             e->name, k, std[k]);
    return 0;
}

int netc_weights_check_range(const netc_st_file *f, const netc_st_entry *e, const float *min,
                             const float *max, netc_error *err)
{
    size_t k, n = (e->end - e->begin) / 4;

    for (k = 0; k < n; k++)
        if (!(max[k] >= min[k]))
            return netc_fail(err, "%s: byte %zu: tensor '%s' element %zu is %g, below "
                             "input.min's %g: a maximum cannot be below its minimum", f->path,
                             element_byte(f, e, k), e->name, k, max[k], min[k]);
    return 0;
}

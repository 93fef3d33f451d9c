/* state.c - a model's state: allocated for the model's entry points, fresh or holding
 * trained weights; dropout on for a training step and off again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/atomic.h"
#include "io/weights.h"
#include "model/state.h"

void *netc_state_alloc(const netc_model *m, netc_error *err)
{
    size_t size = (m->state_size + NETC_ALIGN - 1) / NETC_ALIGN * NETC_ALIGN;
    void *state = NULL;

    if (m->state_size == 0 || size < m->state_size)
        return netc_fail(err, "network '%s': bad state size %zu", m->name, m->state_size), NULL;
    if (m->n_param > SIZE_MAX / sizeof(float) || m->n_param * sizeof(float) > size)
        return netc_fail(err, "network '%s': %zu parameters do not fit in its %zu-byte state",
                         m->name, m->n_param, m->state_size), NULL;
    if (netc_check_memory((double)size, err, "network '%s': its state (parameters, gradients, "
                          "optimizer, activations for a batch of %d)", m->name, m->batch) < 0)
        return NULL;
    if (posix_memalign(&state, NETC_ALIGN, size) != 0)
        return netc_fail(err, "network '%s': out of memory allocating its state (%.1f MB)",
                         m->name, (double)size / 1e6), NULL;
    memset(state, 0, size);
    return state;
}

/* Weights (and scaling statistics) into a fresh state; checks the statistics are there
 * when the network's scaling needs them. */
int netc_load_trained(const netc_model *m, const char *path, enum netc_data_format format,
                      int allow_other, void **state, netc_scaler *s, netc_error *err)
{
    memset(s, 0, sizeof *s);
    *state = netc_state_alloc(m, err);
    if (!*state)
        return -1;
    m->init(*state, 0);
    if (netc_weights_load(path, m, m->params(*state), s, allow_other, err) < 0)
        return -1;
    if (s->kind == NETC_SCALE_NONE && netc_scaling_needs_stats(format, netc_scaling_for(m, format)))
        return netc_fail(err, "%s: no input scaling statistics (input.*) but network '%s' "
                         "scales its inputs\nhint: use a weights file saved by its train command",
                         path, m->name);
    /* min and max of CSV columns must not rescale IDX bytes, already mapped to [0, 1] */
    if (s->kind != NETC_SCALE_NONE && !netc_scaling_needs_stats(format, netc_scaling_for(m, format)))
        return netc_fail(err, "%s: holds %s and %s, statistics of training data that %s data "
                         "of network '%s' does not use\nhint: these weights were trained on "
                         "another kind of data (CSV); give that kind", path,
                         netc_scaler_name(s->kind, 0), netc_scaler_name(s->kind, 1),
                         format == NETC_DATA_IDX ? "the IDX" : "the", m->name);
    return 0;
}

uint64_t netc_dropout_key(const netc_model *m, netc_rng *rng)
{
    return m->dropout ? netc_rng_next(rng) : 0;
}

/* splitmix64's finaliser: a bijection that spreads every input bit over the output. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t netc_dropout_share_key(uint64_t key, int first)
{
    return first == 0 ? key : mix64(key ^ mix64((uint64_t)first * 0x9e3779b97f4a7c15ULL));
}

void netc_dropout_on(const netc_model *m, void *state, uint64_t key)
{
    if (m->dropout)
        m->dropout(state, 1, key);
}

void netc_dropout_off(const netc_model *m, void *state)
{
    if (m->dropout)
        m->dropout(state, 0, 0);
}

/* model/state.h - a model's state in memory: fresh, or holding trained weights.
 *
 * The runtime never sees the model's struct type: it allocates `state_size` bytes
 * (aligned to NETC_ALIGN) and hands them to the model's entry points. */
#ifndef NETC_MODEL_STATE_H
#define NETC_MODEL_STATE_H

#include "io/dataset.h"
#include "model/rng.h"
#include "netc_model.h"

/* The model's state: state_size bytes aligned to NETC_ALIGN, zeroed (free with free()). */
void *netc_state_alloc(const netc_model *model, netc_error *err);

/* A fresh state holding the weights from path, and the scaling statistics stored with
 * them (required when the network's scaling of `format` data needs them); weights saved
 * by another network only with allow_other (--allow-other-network). */
int netc_load_trained(const netc_model *model, const char *path, enum netc_data_format format,
                      int allow_other, void **state, netc_scaler *s, netc_error *err);

/* Dropout.  Training turns it on for each mini-batch's gradient call alone, with a key
 * of its own, and off right after: every other forward call (evaluation, the divergence
 * guard, predict, the report, bench's inference) passes activations through, as after
 * init.  All three do nothing for a model without dropout layers (model->dropout NULL). */

/* The next mini-batch's key from the run's generator; 0, drawing nothing, without
 * dropout layers (so that such runs draw exactly what they always drew). */
uint64_t netc_dropout_key(const netc_model *m, netc_rng *rng);
/* The key for the share of a mini-batch that starts at row `first` of it (another
 * process's part under MPI): key itself for row 0, else a different one, so that the
 * processes' rows 0, 1, ... do not all get the same masks. */
uint64_t netc_dropout_share_key(uint64_t key, int first);
void netc_dropout_on(const netc_model *m, void *state, uint64_t key);
void netc_dropout_off(const netc_model *m, void *state);

#endif

/* model/state.h - a model's state in memory: fresh, or holding trained weights.
 *
 * The runtime never sees the model's struct type: it allocates `state_size` bytes
 * (aligned to NETC_ALIGN) and hands them to the model's entry points. */
#ifndef NETC_MODEL_STATE_H
#define NETC_MODEL_STATE_H

#include "io/dataset.h"
#include "netc_model.h"

/* The model's state: state_size bytes aligned to NETC_ALIGN, zeroed (free with free()). */
void *netc_state_alloc(const netc_model *model, netc_error *err);

/* A fresh state holding the weights from path, and the scaling statistics stored with
 * them (required when the network's scaling of `format` data needs them). */
int netc_load_trained(const netc_model *model, const char *path, enum netc_data_format format,
                      void **state, netc_scaler *s, netc_error *err);

#endif

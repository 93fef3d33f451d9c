/* io/weights.h - a model's parameters to and from a safetensors file. */
#ifndef NETC_IO_WEIGHTS_H
#define NETC_IO_WEIGHTS_H

#include "io/dataset.h"
#include "netc_model.h"

/* Saves the model's parameters (and the scaler's statistics, if any) with metadata
 * {"network": name, "netc_version": version}. */
int netc_weights_save(const char *path, const netc_model *model, const float *params,
                      const netc_scaler *scaler, netc_error *err);
/* Loads every model tensor (shapes must match; no unknown tensors except input.*)
 * into params; fills scaler from input.* tensors if present (else kind NONE). */
int netc_weights_load(const char *path, const netc_model *model, float *params,
                      netc_scaler *scaler, netc_error *err);

#endif

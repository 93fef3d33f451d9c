/* io/weights.h - a model's parameters to and from a safetensors file. */
#ifndef NETC_IO_WEIGHTS_H
#define NETC_IO_WEIGHTS_H

#include "io/dataset.h"
#include "netc_model.h"

/* Floats in tensor t: the product of its dimensions. */
size_t netc_tensor_size(const netc_tensor *t);
/* Tensor t of the parameter array into dst (netc_tensor_size(t) floats) in file order:
 * row-major over its shape, W[out][k] for a transposed tensor kept as WT[k][out]. */
void netc_tensor_read(const netc_tensor *t, const float *params, float *dst);

/* Saves the model's parameters (and the scaler's statistics, if any) with metadata
 * {"network": name, "netc_version": version, "source_hash": the .net file's}. */
int netc_weights_save(const char *path, const netc_model *model, const float *params,
                      const netc_scaler *scaler, netc_error *err);
/* Loads every model tensor (shapes must match; no unknown tensors except input.*)
 * into params; fills scaler from input.* tensors if present (else kind NONE).  A file
 * whose metadata names another network is refused unless allow_other
 * (--allow-other-network); one that names none (PyTorch's) is taken on its shapes. */
int netc_weights_load(const char *path, const netc_model *model, float *params,
                      netc_scaler *scaler, int allow_other, netc_error *err);

#endif

/* model/engine.h - a model's state and the threads that share its work: the model's entry
 * points, split between the threads when the model has parts (model->part_*) and
 * threads > 1, with the same results bit for bit. */
#ifndef NETC_MODEL_ENGINE_H
#define NETC_MODEL_ENGINE_H

#include "io/error.h"
#include "model/pool.h"
#include "netc_model.h"

typedef struct netc_engine {
    const netc_model *m;
    void *state;
    netc_pool *pool;            /* NULL: one thread, the model's entry points */
    double min_work;            /* smaller parts run on one thread (engine.c) */
} netc_engine;

int netc_engine_init(netc_engine *e, const netc_model *m, void *state, int threads,
                     netc_error *err);
void netc_engine_free(netc_engine *e);
/* The model's forward (out), forward and mean loss (eval: out and the returned loss),
 * forward_backward and update. */
void netc_engine_forward(netc_engine *e, const float *x, float *out, int n);
float netc_engine_eval(netc_engine *e, const float *x, const float *y, float *out, int n);
float netc_engine_forward_backward(netc_engine *e, const float *x, const float *y, int n);
void netc_engine_update(netc_engine *e, float lr);

#endif

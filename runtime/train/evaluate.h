/* train/evaluate.h - how a model does over a labelled data set: its mean loss, and its
 * accuracy (a classifier) or its fit (a regression network: MAE, RMSE, R²). */
#ifndef NETC_TRAIN_EVALUATE_H
#define NETC_TRAIN_EVALUATE_H

#include "io/metrics_log.h"
#include "model/engine.h"
#include "train/batch.h"

/* Accuracy and mean loss over a labelled set (in b->order's order); with several
 * processes, each evaluates its share and the sums are added across them. */
int netc_evaluate(netc_engine *e, const netc_comm *comm, const netc_dataset *ds, netc_batch *b,
                  double *accuracy, double *loss, netc_error *err);

/* The same for a regression network: its fit (MAE, RMSE, R², model/regress.h) and mean
 * loss (train/evaluate_fit.c). */
int netc_evaluate_fit(netc_engine *e, const netc_comm *comm, const netc_dataset *ds,
                      netc_batch *b, netc_fit *fit, double *loss, netc_error *err);

/* One set's figures, as the network's kind asks: the mean loss, and the accuracy (a
 * classifier; fit NAN) or the fit (a regression network; acc NAN). */
typedef struct netc_scores {
    double loss, acc;
    netc_fit fit;
} netc_scores;
int netc_score(netc_engine *e, const netc_comm *comm, const netc_dataset *ds, netc_batch *b,
               netc_scores *s, netc_error *err);
/* "test acc 94.37%" or "test mae 0.0812  test rmse 0.1034  test r2 0.9876" for the set
 * named `set` (the epoch line's words). */
void netc_scores_text(const netc_model *m, const char *set, const netc_scores *s, char *buf,
                      size_t size);

/* What both walk: the set in batches (this process's share), each batch's outputs and
 * targets (b->out, b->y) handed to visit with the batch's first position in b->order
 * and its size; the losses' sum (not yet added across processes) into *loss_sum. */
typedef void netc_batch_visitor(void *ctx, const netc_batch *b, int first, int n);
int netc_evaluate_batches(netc_engine *e, const netc_comm *comm, const netc_dataset *ds,
                          netc_batch *b, netc_batch_visitor *visit, void *ctx,
                          double *loss_sum, netc_error *err);

#endif

/* train/evaluate.h - accuracy and mean loss of a model over a labelled data set. */
#ifndef NETC_TRAIN_EVALUATE_H
#define NETC_TRAIN_EVALUATE_H

#include "model/engine.h"
#include "train/batch.h"

/* Accuracy and mean loss over a labelled set (in b->order's order); with several
 * processes, each evaluates its share and the sums are added across them. */
int netc_evaluate(netc_engine *e, const netc_comm *comm, const netc_dataset *ds, netc_batch *b,
                  double *accuracy, double *loss, netc_error *err);

#endif

/* train/class_report.h - each class's precision, recall and F1 on a labelled data set, as
 * scikit-learn's classification_report(digits=4) prints them. */
#ifndef NETC_TRAIN_CLASS_REPORT_H
#define NETC_TRAIN_CLASS_REPORT_H

#include "io/dataset.h"
#include "model/engine.h"
#include "train/comm.h"

/* counts[true * K + predicted] over ds's samples (K = netc_class_count), the forward passes
 * split between comm's processes and the counts summed (NULL comm: this one alone). */
int netc_confusion_count(netc_engine *e, const netc_comm *comm, const netc_dataset *ds,
                         double *counts, netc_error *err);
/* The table: a row per class (its name, else its number), accuracy, macro and weighted
 * averages; a class never predicted has precision 0, as scikit-learn's zero_division. */
void netc_class_report_print(const netc_model *m, const double *counts, FILE *out);

#endif

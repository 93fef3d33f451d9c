/* io/csv.h - numeric CSV files as data sets: one sample per row. */
#ifndef NETC_IO_CSV_H
#define NETC_IO_CSV_H

#include "io/dataset.h"

typedef struct netc_csv_options {
    int header;                         /* skip the first row */
    int has_label;                      /* one column holds the label */
    enum netc_label_column label_column;
    int label_index;                    /* 0-based, for NETC_LABEL_INDEX */
    int n_target;                       /* > 0: the label is this many consecutive columns
                                         * of real-valued targets (a regression network's:
                                         * the first, the last, or from label_index on);
                                         * 0: one column of class numbers */
    const netc_model *labels_for;       /* non-NULL: labels this model cannot train on
                                         * are refused at their line:column */
    const char *header_hint;            /* how to declare a header row, ending the hint
                                         * "if the first line is a header, ..."; NULL: the
                                         * trainer's "pass --header" */
} netc_csv_options;

/* Numeric CSV: one sample per row (see netc_csv_options for label and header). */
int netc_dataset_load_csv(netc_dataset *ds, const char *path, const netc_csv_options *opt,
                          netc_error *err);

#endif

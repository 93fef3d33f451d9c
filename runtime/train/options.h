/* train/options.h - what the trainer's command line asks for: the settings of a run and
 * of the other commands, defaults filled from the model (commands/cli.c parses them).
 * Training is the lowest layer that reads them, so they are defined here. */
#ifndef NETC_TRAIN_OPTIONS_H
#define NETC_TRAIN_OPTIONS_H

#include <stdint.h>

#include "io/csv.h"
#include "netc_model.h"
#include "train/comm.h"

enum netc_command { NETC_CMD_HELP, NETC_CMD_TRAIN, NETC_CMD_EVAL, NETC_CMD_PREDICT,
                    NETC_CMD_GRADCHECK, NETC_CMD_BENCH, NETC_CMD_REPORT };

typedef struct netc_options {
    enum netc_command command;
    const char *program;        /* argv[0], as the trainer was invoked */
    const char *train_images, *train_labels, *test_images, *test_labels;
    const char *train_csv, *test_csv;
    enum netc_data_format format;
    netc_csv_options csv;
    int label_given;            /* --label-column was passed (predict reads labels) */
    int header_given;           /* --header or --no-header was passed */
    int epochs, batch, limit;
    int warmup;                 /* bench: untimed epochs before the timed ones */
    int threads;                /* threads sharing each batch's work (same results for any) */
    const netc_comm *comm;      /* the processes training together; NULL: this one alone */
    double lr;
    double tolerance;           /* gradcheck; NAN: its default for the network */
    uint64_t seed;
    const char *init_weights, *weights, *save, *input;
    int save_given;             /* --save was passed (else a resumed run saves where it did) */
    const char *checkpoint;     /* train: NULL for the default (see train/resume.c) */
    const char *resume;         /* train: the checkpoint to continue from */
    int overwrite;              /* train: may replace an unfinished run's checkpoint */
    int allow_other_network;    /* weights saved by another network load (same shapes) */
    int keep_checkpoint;        /* train: a finished run keeps its checkpoint */
    int checkpoint_every;       /* seconds between checkpoints within an epoch; 0: none */
    int shuffle, quiet, raw;
    double validation;          /* train: samples held out of the training set (>= 1) or
                                 * their fraction (< 1); 0: none (train/data.c) */
    int early_stop;             /* train: stop after this many epochs without a lower
                                 * validation loss; 0: never */
    int keep_best;              /* train: save the lowest validation loss's weights */
    int validation_given;       /* --validation was passed (eval: measure those samples) */
    int csv_output;             /* predict: CSV rows, an id column first */
    int per_class;              /* eval: the per-class table also without class names */
    const char *log;            /* train: write the per-epoch CSV; report: read it */
    const char *report;         /* train --report DIR, report -o DIR */
    char save_default[256];     /* "NAME.safetensors" */
    char data_paths[4][1024];   /* storage for --data DIR/... */
} netc_options;

#endif

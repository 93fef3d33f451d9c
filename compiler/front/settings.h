/* settings.h - the keys a train or a data block may hold.  The parser's hints name them
 * ("'epochs' is a training setting"); the checker reads each by its index. */
#ifndef NETC_SETTINGS_H
#define NETC_SETTINGS_H

#include "front/syntax.h"

enum { TRAIN_LOSS, TRAIN_OPTIMIZER, TRAIN_LEARNING_RATE, TRAIN_SCHEDULE, TRAIN_WEIGHT_DECAY,
       TRAIN_BATCH, TRAIN_EPOCHS, TRAIN_INIT, TRAIN_SEED, NTRAIN };
enum { DATA_FORMAT, DATA_TRAIN_IMAGES, DATA_TRAIN_LABELS, DATA_TEST_IMAGES, DATA_TEST_LABELS,
       DATA_TRAIN_CSV, DATA_TEST_CSV, DATA_LABEL_COLUMN, DATA_HEADER, DATA_SCALE, DATA_TARGETS,
       DATA_VALIDATION, NDATA };

extern const char *const train_keys[NTRAIN];
extern const char *const data_keys[NDATA];

/* key's index in the train (STMT_TRAIN) or data (STMT_DATA) block's keys, or -1. */
int setting_index(enum statement_kind block, const char *key);

#endif

/* settings.c - the keys a train or a data block may hold (see settings.h). */
#include "front/settings.h"

#include <string.h>

const char *const train_keys[NTRAIN] = {
    "loss", "optimizer", "learning_rate", "schedule", "weight_decay", "batch", "epochs", "init", "seed",
};
const char *const data_keys[NDATA] = {
    "format", "train_images", "train_labels", "test_images", "test_labels", "train_csv", "test_csv",
    "label_column", "header", "scale", "targets", "validation",
};

int setting_index(enum statement_kind block, const char *key)
{
    const char *const *keys = block == STMT_TRAIN ? train_keys : data_keys;
    int n = block == STMT_TRAIN ? NTRAIN : NDATA;
    for (int i = 0; i < n; i++)
        if (strcmp(keys[i], key) == 0)
            return i;
    return -1;
}

/* data.c - the data sets the options name: IDX or CSV, training or test, checked against
 * the model; for training, limited, split into training and validation samples
 * (--validation) and scaled with the training samples' statistics. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/rng.h"
#include "train/data.h"

static int load_idx_split(const netc_model *m, const netc_options *o, int test,
                          netc_dataset *ds, netc_error *err)
{
    const char *images = test ? o->test_images : o->train_images;
    const char *labels = test ? o->test_labels : o->train_labels;

    if (!images && !labels)
        return 1;
    if (!images || !labels)
        return netc_fail(err, "%s %s given without %s", test ? "test" : "training",
                         images ? "images" : "labels", images ? "labels" : "images");
    return netc_dataset_load_idx(ds, images, labels, netc_scaling_for(m, NETC_DATA_IDX) == NETC_SCALE_UNIT, err);
}

int netc_load_split(const netc_model *m, const netc_options *o, int test, netc_dataset *ds,
                    netc_error *err)
{
    int rc;

    memset(ds, 0, sizeof *ds);
    if (o->format == NETC_DATA_CSV) {
        const char *path = test ? o->test_csv : o->train_csv;
        netc_csv_options csv = o->csv;
        csv.has_label = 1;
        csv.labels_for = m;
        rc = path ? netc_dataset_load_csv(ds, path, &csv, err) : 1;
    } else if (o->format == NETC_DATA_IDX) {
        rc = load_idx_split(m, o, test, ds, err);
    } else {
        rc = 1;
    }
    if (rc == 0 && (netc_dataset_check_input(ds, m, err) < 0 ||
                    netc_dataset_check_labels(ds, m, err) < 0)) {
        netc_dataset_free(ds);
        rc = -1;
    }
    return rc;
}

int netc_validation_count(double validation, int n)
{
    if (validation >= 1)
        return validation < n ? (int)validation : n;
    return (int)floor(validation * n + 0.5);
}

void netc_validation_pick(int n, int n_val, uint64_t seed, int *order, unsigned char *held)
{
    netc_rng rng;
    int i;

    netc_rng_seed(&rng, seed ^ NETC_VALIDATION_SALT);
    for (i = 0; i < n; i++) {
        order[i] = i;
        held[i] = 0;
    }
    netc_rng_shuffle(&rng, order, n);
    for (i = 0; i < n_val; i++)
        held[order[i]] = 1;
}

int netc_hold_out(const netc_options *o, netc_dataset *train, netc_dataset *val,
                  netc_error *err)
{
    int n_val = netc_validation_count(o->validation, train->n), rc;
    int *order;
    unsigned char *held;

    memset(val, 0, sizeof *val);
    if (o->validation <= 0)
        return 0;
    if (n_val < 1 || n_val >= train->n)
        return netc_fail(err, "--validation %g holds out %d of the %d training samples, "
                         "leaving %s\nhint: hold out at least one sample and keep at least one",
                         o->validation, n_val, train->n, n_val < 1 ? "no validation set" :
                         "none to train on");
    order = netc_alloc((size_t)train->n, sizeof *order, "the validation split", err);
    held = netc_alloc((size_t)train->n, 1, "the validation split", err);
    rc = order && held ? 0 : -1;
    if (rc == 0) {
        netc_validation_pick(train->n, n_val, o->seed, order, held);
        rc = netc_dataset_split(train, held, val, err);
    }
    free(order);
    free(held);
    return rc;
}

int netc_load_train_test(const netc_model *m, const netc_options *o, netc_dataset *train,
                         netc_dataset *val, netc_dataset *test, netc_scaler *scaler,
                         netc_error *err)
{
    enum netc_scaling scale = netc_scaling_for(m, o->format);
    int rc = netc_load_split(m, o, 0, train, err);

    if (rc == 1)
        return netc_fail(err, "no training data\nhint: pass --data DIR, --train-images and "
                         "--train-labels, or --train-csv FILE");
    if (rc < 0 || netc_load_split(m, o, 1, test, err) < 0)
        return -1;
    netc_dataset_limit(train, o->limit);
    if (val && netc_hold_out(o, train, val, err) < 0)
        return -1;
    if (netc_scaling_needs_stats(o->format, scale) && netc_scaler_fit(scaler, scale, train, err) < 0)
        return -1;
    netc_scaler_apply(scaler, train);
    if (val)
        netc_scaler_apply(scaler, val);
    netc_scaler_apply(scaler, test);
    return 0;
}

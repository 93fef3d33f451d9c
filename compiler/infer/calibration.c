/* calibration.c - calibration samples, read with the runtime's IDX and CSV readers and
 * scaled by the trainer's rule (netc_scaling_for). */
#include "infer/calibration.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv.h"
#include "io/idx.h"

/* The runtime's description of the network, as far as its data readers look at it.  Its
 * enums and the network's are made from the same lists (netc_enums.h): same values. */
static netc_model runtime_view(const struct network *net)
{
    netc_model m;
    memset(&m, 0, sizeof m);
    m.name = net->name;
    m.n_input = net->input_size;
    m.n_output = net->layers[net->nlayers - 1].out;
    m.data.format = (enum netc_data_format)net->data.format;
    m.data.scale = (enum netc_scaling)net->data.scale;
    m.data.label_column = (enum netc_label_column)net->data.label_column;
    m.data.label_index = net->data.label_index;
    m.data.header = net->data.header;
    m.data.targets = (enum netc_targets)net->data.targets;
    m.loss = (enum netc_loss)net->loss;
    return m;
}

static int load_idx(const netc_model *m, const char *images, const char *labels,
                    netc_dataset *ds, netc_error *err)
{
    const int unit = netc_scaling_for(m, NETC_DATA_IDX) == NETC_SCALE_UNIT;
    return netc_dataset_load_idx(ds, images, labels, unit, err);
}

/* The data block's settings; a label column (a regression network's target columns) only
 * when the rows are that much wider than the network's input (the training CSV), so plain
 * feature rows work too. */
static int load_csv(const netc_model *m, const char *path, netc_dataset *ds, netc_error *err)
{
    netc_csv_options csv;
    const int targets = netc_is_regression(m) ? m->n_output : 0;
    memset(&csv, 0, sizeof csv);
    csv.header = m->data.header;
    csv.label_column = m->data.label_column;
    csv.label_index = m->data.label_index;
    csv.header_hint = "say 'header true' in the .net file's data block";
    if (netc_dataset_load_csv(ds, path, &csv, err) < 0)
        return -1;
    if (ds->n_input != m->n_input + (targets ? targets : 1))
        return 0;
    netc_dataset_free(ds);
    csv.has_label = 1;
    csv.n_target = targets;
    return netc_dataset_load_csv(ds, path, &csv, err);
}

static int load(const netc_model *m, const struct network *net, const char *path,
                netc_dataset *ds, netc_error *err)
{
    if (path)
        return netc_idx_sniff(path) ? load_idx(m, path, NULL, ds, err) : load_csv(m, path, ds, err);
    if (net->data.format == DATA_IDX && net->data.train_images)
        return load_idx(m, net->data.train_images, net->data.train_labels, ds, err);
    if (net->data.format == DATA_CSV && net->data.train_csv)
        return load_csv(m, net->data.train_csv, ds, err);
    netc_fail(err, "--quantize int8 needs training samples to calibrate on, and %s names no "
              "training file\nhint: pass --calibration FILE (IDX images or CSV rows), e.g. "
              "--calibration data/mnist/train-images-idx3-ubyte", net->source_path);
    return -2;
}

int calibration_load(const struct network *net, const char *path, struct calibration_set *c,
                     char *errbuf, size_t errlen)
{
    const netc_model m = runtime_view(net);
    netc_dataset ds;
    netc_error err;
    memset(c, 0, sizeof *c);
    memset(&ds, 0, sizeof ds);
    int rc = load(&m, net, path, &ds, &err);
    if (rc == 0)
        rc = netc_dataset_check_input(&ds, &m, &err);
    if (rc == 0 && ds.n < 1)
        rc = netc_fail(&err, "%s: no samples to calibrate on", ds.source);
    if (rc < 0) {
        snprintf(errbuf, errlen, "%s", err.msg);
        netc_dataset_free(&ds);
        return rc;
    }
    if (netc_dataset_check_labels(&ds, &m, &err) < 0) {
        free(ds.labels);        /* labels only give the report an accuracy: do without */
        ds.labels = NULL;
    }
    netc_dataset_limit(&ds, CALIBRATION_SAMPLES);
    c->source = ds.source;
    c->n = ds.n;
    c->labels = ds.labels;
    /* keep the rows used, not the whole training set */
    c->x = realloc(ds.x, (size_t)ds.n * (size_t)ds.n_input * sizeof *ds.x);
    if (!c->x)
        c->x = ds.x;
    free(ds.label_source);
    return 0;
}

void calibration_free(struct calibration_set *c)
{
    free(c->source);
    free(c->x);
    free(c->labels);
    memset(c, 0, sizeof *c);
}

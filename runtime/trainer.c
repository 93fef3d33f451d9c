/* trainer.c - netc_trainer_main(): dispatch, model state, data loading, predict. */
#include <stdlib.h>
#include <string.h>

#include "netc_runtime.h"

void *netc_state_alloc(const netc_model *m, netc_error *err)
{
    size_t size = (m->state_size + NETC_ALIGN - 1) / NETC_ALIGN * NETC_ALIGN;
    void *state = NULL;

    if (m->state_size == 0 || size < m->state_size)
        return netc_fail(err, "network '%s': bad state size %zu", m->name, m->state_size), NULL;
    if (m->n_param > SIZE_MAX / sizeof(float) || m->n_param * sizeof(float) > size)
        return netc_fail(err, "network '%s': %zu parameters do not fit in its %zu-byte state",
                         m->name, m->n_param, m->state_size), NULL;
    if (netc_check_memory((double)size, err, "network '%s': its state (parameters, gradients, "
                          "optimizer, activations for a batch of %d)", m->name, m->batch) < 0)
        return NULL;
    if (posix_memalign(&state, NETC_ALIGN, size) != 0)
        return netc_fail(err, "network '%s': out of memory allocating its state (%.1f MB)",
                         m->name, (double)size / 1e6), NULL;
    memset(state, 0, size);
    return state;
}

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
        rc = path ? netc_dataset_load_csv(ds, path, &csv, err) : 1;
    } else if (o->format == NETC_DATA_IDX) {
        rc = load_idx_split(m, o, test, ds, err);
    } else {
        rc = 1;
    }
    if (rc == 0 && (netc_dataset_check_input(ds, m, err) < 0 ||
                    netc_dataset_check_labels(ds, m->n_output, m->data.targets, err) < 0)) {
        netc_dataset_free(ds);
        rc = -1;
    }
    return rc;
}

int netc_load_train_test(const netc_model *m, const netc_options *o, netc_dataset *train,
                         netc_dataset *test, netc_scaler *scaler, netc_error *err)
{
    enum netc_scaling scale = netc_scaling_for(m, o->format);
    int rc = netc_load_split(m, o, 0, train, err);

    if (rc == 1)
        return netc_fail(err, "no training data\nhint: pass --data DIR, --train-images and "
                         "--train-labels, or --train-csv FILE");
    if (rc < 0 || netc_load_split(m, o, 1, test, err) < 0)
        return -1;
    netc_dataset_limit(train, o->limit);
    if (netc_scaling_needs_stats(o->format, scale) && netc_scaler_fit(scaler, scale, train, err) < 0)
        return -1;
    netc_scaler_apply(scaler, train);
    netc_scaler_apply(scaler, test);
    return 0;
}

int netc_predicted_class(const float *out, int n_output)
{
    int k, best = 0;

    if (n_output == 1)
        return out[0] >= 0.5f;
    for (k = 1; k < n_output; k++)
        if (out[k] > out[best])
            best = k;
    return best;
}

static void print_outputs(const netc_model *m, const netc_options *o, const float *out, int n)
{
    int i, k;

    for (i = 0; i < n; i++, out += m->n_output) {
        if (!o->raw) {
            printf("%d\n", netc_predicted_class(out, m->n_output));
            continue;
        }
        for (k = 0; k < m->n_output; k++)
            printf(k ? " %.9g" : "%.9g", out[k]);
        printf("\n");
    }
}

/* INPUT as IDX images (by its magic) or CSV features, scaled as in training. */
static int load_input(const netc_model *m, const netc_options *o, const netc_scaler *s,
                      netc_dataset *ds, netc_error *err)
{
    netc_csv_options csv = o->csv;
    int rc;

    csv.has_label = o->label_given;
    if (netc_idx_sniff(o->input))
        rc = netc_dataset_load_idx(ds, o->input, NULL, netc_scaling_for(m, NETC_DATA_IDX) == NETC_SCALE_UNIT, err);
    else
        rc = netc_dataset_load_csv(ds, o->input, &csv, err);
    if (rc == 0)
        rc = netc_dataset_check_input(ds, m, err);
    if (rc == 0)
        netc_scaler_apply(s, ds);
    return rc;
}

/* Weights (and scaling statistics) into a fresh state; checks the statistics are there
 * when the network's scaling needs them. */
int netc_load_trained(const netc_model *m, const char *path, enum netc_data_format format,
                      void **state, netc_scaler *s, netc_error *err)
{
    memset(s, 0, sizeof *s);
    *state = netc_state_alloc(m, err);
    if (!*state)
        return -1;
    m->init(*state, 0);
    if (netc_weights_load(path, m, m->params(*state), s, err) < 0)
        return -1;
    if (s->kind == NETC_SCALE_NONE && netc_scaling_needs_stats(format, netc_scaling_for(m, format)))
        return netc_fail(err, "%s: no input scaling statistics (input.*) but network '%s' "
                         "scales its inputs\nhint: use a weights file saved by its train command",
                         path, m->name);
    return 0;
}

int netc_cmd_predict(const netc_model *m, const netc_options *o)
{
    netc_error err;
    netc_scaler s;
    netc_dataset ds;
    netc_engine e = { .m = m };
    void *state = NULL;
    float *out = NULL;
    int i, rc = -1;

    memset(&ds, 0, sizeof ds);
    memset(&s, 0, sizeof s);
    if (netc_load_trained(m, o->weights, m->data.format, &state, &s, &err) == 0 &&
        load_input(m, o, &s, &ds, &err) == 0 &&
        netc_engine_init(&e, m, state, o->threads, &err) == 0)
        out = netc_alloc((size_t)m->batch, (size_t)m->n_output * sizeof *out, "outputs", &err);
    for (i = 0; out && i < ds.n; i += m->batch) {
        int n = ds.n - i < m->batch ? ds.n - i : m->batch;
        netc_engine_forward(&e, ds.x + (size_t)i * m->n_input, out, n);
        print_outputs(m, o, out, n);
    }
    if (out)
        rc = fflush(stdout) == 0 ? 0 : netc_fail(&err, "cannot write the predictions");
    if (rc < 0)
        netc_print_error(m, o->comm, &err);
    netc_engine_free(&e);
    free(out);
    free(state);
    netc_scaler_free(&s);
    netc_dataset_free(&ds);
    return rc < 0;
}

void netc_print_error(const netc_model *m, const netc_comm *comm, const netc_error *err)
{
    if (comm && comm->rank > 0)
        fprintf(stderr, "%s (rank %d): error: %s\n", m->name, comm->rank, err->msg);
    else
        fprintf(stderr, "%s: error: %s\n", m->name, err->msg);
}

int netc_trainer_main(const netc_model *model, int argc, char **argv)
{
    return netc_trainer_run(model, argc, argv, NULL);
}

int netc_trainer_run(const netc_model *model, int argc, char **argv, const netc_comm *comm)
{
    netc_options o;
    netc_error err;

    if (netc_parse_options(model, argc, argv, &o, &err) < 0) {
        if (!comm || comm->rank == 0)
            netc_print_error(model, NULL, &err);
        return 2;
    }
    o.comm = comm;
    if (comm && comm->rank > 0 && o.command != NETC_CMD_TRAIN && o.command != NETC_CMD_EVAL)
        return 0;           /* the other commands run on rank 0 alone */
    switch (o.command) {
    case NETC_CMD_TRAIN: return netc_cmd_train(model, &o);
    case NETC_CMD_EVAL: return netc_cmd_eval(model, &o);
    case NETC_CMD_PREDICT: return netc_cmd_predict(model, &o);
    case NETC_CMD_GRADCHECK: return netc_cmd_gradcheck(model, &o);
    case NETC_CMD_BENCH: return netc_cmd_bench(model, &o);
    case NETC_CMD_REPORT: return netc_cmd_report(model, &o);
    case NETC_CMD_HELP: break;
    }
    netc_usage(model, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
}

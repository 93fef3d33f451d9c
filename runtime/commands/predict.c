/* predict.c - the predict command: a trained network's class (or outputs, --raw; a
 * regression network's values) for each sample of an input file, IDX images or CSV
 * features. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "commands/predict_input.h"
#include "commands/predict_output.h"
#include "io/csv.h"
#include "io/idx.h"
#include "model/classify.h"
#include "model/engine.h"
#include "model/state.h"

static void print_outputs(const netc_model *m, const netc_options *o, const float *out, int n)
{
    int i, k;

    for (i = 0; i < n; i++, out += m->n_output) {
        if (!o->raw && !netc_is_regression(m)) {        /* a regression network's values */
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
    else if ((rc = netc_predict_csv_layout(m, o, &csv, err)) == 0)
        rc = netc_dataset_load_csv(ds, o->input, &csv, err);
    if (rc == 0)
        rc = netc_dataset_check_input(ds, m, err);
    if (rc == 0)
        netc_scaler_apply(s, ds);
    return rc;
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
    if (netc_load_trained(m, o->weights, m->data.format, o->allow_other_network, &state, &s,
                          &err) == 0 &&
        load_input(m, o, &s, &ds, &err) == 0 &&
        netc_engine_init(&e, m, state, o->threads, &err) == 0)
        out = netc_alloc((size_t)m->batch, (size_t)m->n_output * sizeof *out, "outputs", &err);
    if (out)
        netc_predict_header(m, o);
    for (i = 0; out && i < ds.n; i += m->batch) {
        int n = ds.n - i < m->batch ? ds.n - i : m->batch;
        netc_engine_forward(&e, ds.x + (size_t)i * m->n_input, out, n);
        if (o->csv_output || m->n_class_names)     /* names, CSV: predict_output.c */
            netc_predict_rows(m, o, out, i, n);
        else
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

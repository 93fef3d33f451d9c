/* report.c - the report command: the report directory (report/) for a weights file, on
 * the test data and the training log the options name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "model/state.h"
#include "report/report.h"
#include "train/data.h"

static int report_command(const netc_model *m, const netc_options *o, netc_error *err)
{
    netc_report_input in;
    netc_dataset test;
    netc_metrics mx;
    netc_scaler s;
    void *state = NULL;
    int rc;

    memset(&mx, 0, sizeof mx);
    memset(&s, 0, sizeof s);
    rc = netc_load_split(m, o, 1, &test, err);
    if (rc == 1)
        rc = 0;     /* no test data: the report leaves out what needs it */
    if (rc == 0)
        rc = netc_load_trained(m, o->weights, o->format, o->allow_other_network, &state, &s,
                               err);
    if (rc == 0)
        netc_scaler_apply(&s, &test);
    if (rc == 0 && o->log)
        rc = netc_metrics_read(o->log, &mx, err);
    if (rc == 0) {
        memset(&in, 0, sizeof in);
        in.model = m;
        in.lr = o->lr;
        in.batch = o->batch;
        in.seed = o->seed;
        in.state = state;
        in.test = &test;
        in.metrics = &mx;
        in.weights_path = o->weights;
        rc = netc_report_write(&in, o->report, err);
    }
    if (rc == 0 && !o->quiet)
        printf("report %s/index.html\n", o->report);
    netc_metrics_free(&mx);
    netc_scaler_free(&s);
    netc_dataset_free(&test);
    free(state);
    return rc;
}

int netc_cmd_report(const netc_model *m, const netc_options *o)
{
    netc_error err;

    if (report_command(m, o, &err) == 0)
        return 0;
    netc_print_error(m, o->comm, &err);
    return 1;
}

/* run_report.c - the report of a training run, after each epoch and at its end.  Every
 * file of the report is replaced atomically (io/atomic.c), so a browser reloading the
 * page while the trainer writes it sees the last epoch's or the new one's, never half. */
#include <stdio.h>
#include <string.h>

#include "report/report.h"
#include "train/run_report.h"

int netc_run_report(netc_run *r, int finished, netc_error *err)
{
    netc_report_input in;

    memset(&in, 0, sizeof in);
    in.model = r->m;
    in.state = r->state;
    in.test = &r->d.test;
    in.train = &r->d.train;
    in.metrics = &r->mx;
    in.weights_path = r->o.save;
    in.lr = r->o.lr;
    in.batch = r->o.batch;
    in.seed = r->o.seed;
    in.epochs = r->o.epochs;
    in.training = !finished;
    if (netc_report_write(&in, r->o.report, err) < 0)
        return -1;
    if (finished && !r->o.quiet)
        printf("report %s/index.html\n", r->o.report);
    return 0;
}

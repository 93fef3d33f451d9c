/* trainer.c - netc_trainer_main(): the command line parsed (cli.c), then the command run,
 * each in its own file: train.c, eval.c, predict.c, gradcheck.c, bench.c, report.c. */
#include <stdio.h>

#include "commands/commands.h"

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

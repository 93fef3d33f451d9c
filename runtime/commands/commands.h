/* commands/commands.h - the trainer's command line and its commands, one file each:
 *
 *   trainer.c    netc_trainer_main (declared in netc_model.h) and netc_trainer_run: the
 *                options parsed, then the command run
 *   cli.c        the options: table, parser, defaults from the model, usage screen
 *   message.c    a command's error on stderr
 *   train.c  eval.c  predict.c  gradcheck.c  bench.c  report.c
 *
 * Every command returns its exit status: 0 ok, 1 an error in data or files (its message
 * on stderr), 2 a usage error; train also 128 + the signal that stopped it. */
#ifndef NETC_COMMANDS_COMMANDS_H
#define NETC_COMMANDS_COMMANDS_H

#include <stdio.h>

#include "train/options.h"

/* netc_trainer_main() for one of the processes of comm (NULL: the only one). */
int netc_trainer_run(const netc_model *model, int argc, char **argv, const netc_comm *comm);

/* Parses argv into o.  Returns 0, or -1 with a message in err (usage error, exit 2). */
int netc_parse_options(const netc_model *model, int argc, char **argv, netc_options *o,
                       netc_error *err);
/* Prints the usage screen, defaults in brackets. */
void netc_usage(const netc_model *model, FILE *out);

/* "NAME: error: MESSAGE" on stderr; a process of comm other than rank 0 adds its rank. */
void netc_print_error(const netc_model *m, const netc_comm *comm, const netc_error *err);

/* Training (train/): 0, 1 after an error, 128 + the signal that stopped it. */
int netc_cmd_train(const netc_model *model, const netc_options *o);
/* Test accuracy and loss of a weights file. */
int netc_cmd_eval(const netc_model *model, const netc_options *o);
/* The class (or the outputs) of each sample of a file. */
int netc_cmd_predict(const netc_model *model, const netc_options *o);
/* Analytic gradients against central differences. */
int netc_cmd_gradcheck(const netc_model *model, const netc_options *o);
/* Training and inference samples/s on real data, as `key value` lines. */
int netc_cmd_bench(const netc_model *model, const netc_options *o);
/* index.html and pictures of what the network learned (report/). */
int netc_cmd_report(const netc_model *model, const netc_options *o);

#endif

/* train.c - the train command: the training run of train/, and its exit status. */
#include "commands/commands.h"
#include "train/train.h"

/* Exit status: 0, 1 (an error: its message on stderr), 128 + the signal that stopped it. */
int netc_cmd_train(const netc_model *m, const netc_options *o)
{
    netc_error err;
    int rc = netc_train(m, o, &err);

    if (rc < 0)
        netc_print_error(m, o->comm, &err);
    return rc < 0 ? 1 : rc > 0 ? 128 + rc : 0;
}

/* message.c - a command's error as the trainer prints it. */
#include <stdio.h>

#include "commands/commands.h"

void netc_print_error(const netc_model *m, const netc_comm *comm, const netc_error *err)
{
    if (comm && comm->rank > 0)
        fprintf(stderr, "%s (rank %d): error: %s\n", m->name, comm->rank, err->msg);
    else
        fprintf(stderr, "%s: error: %s\n", m->name, err->msg);
}

/* classes.h - the `classes { "T-shirt" "Trouser" ... }` statement, checked. */
#ifndef NETC_CLASSES_H
#define NETC_CLASSES_H

#include "check/network.h"
#include "front/diag.h"
#include "front/syntax.h"

/* Checks s's names (strings, not empty, on one line, each once, one per class the output
 * layer predicts: its outputs, or 2 for a single output; the count only when
 * outputs_known) and copies them into net->class_names. */
void check_classes(struct diag *d, const struct statement *s, int outputs_known, struct network *net);

#endif

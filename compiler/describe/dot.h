/* dot.h - `netc --emit dot`: the network's structure as a Graphviz graph. */
#ifndef NETC_DOT_H
#define NETC_DOT_H

#include <stdio.h>

#include "check/network.h"

/* One box per layer (the input, each layer with its kind's settings and output shape,
 * the loss), edges labelled with the weight shapes; `dot -Tsvg` draws it. */
void dot_print(FILE *out, const struct network *n);

#endif

/* check.h - from a syntax tree to a checked network with every default resolved. */
#ifndef NETC_CHECK_H
#define NETC_CHECK_H

#include "front/diag.h"
#include "check/network.h"
#include "front/syntax.h"

/* What the network is checked for: a trainer needs the train block; the forward pass
 * alone (--emit infer, --summary, --emit dot) does not. */
enum check_purpose { CHECK_FOR_TRAINER, CHECK_FOR_FORWARD };

/* Check tree and fill out (zeroed first).  Errors and warnings go to d; returns the
 * number of errors.  On errors `out` is incomplete: free it with network_free() only. */
int check_network(struct diag *d, const struct syntax *tree, enum check_purpose purpose,
                  struct network *out);

#endif

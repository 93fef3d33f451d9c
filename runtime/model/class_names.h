/* model/class_names.h - a class as people read it: its name from the .net file's
 * `classes { ... }`, else its number. */
#ifndef NETC_MODEL_CLASS_NAMES_H
#define NETC_MODEL_CLASS_NAMES_H

#include <stddef.h>

#include "netc_model.h"

/* The classes the model predicts: one per output, two for a single output. */
int netc_class_count(const netc_model *model);
/* Class k's name, or its number written into buf (size bytes). */
const char *netc_class_label(const netc_model *model, int k, char *buf, size_t size);
/* Characters (UTF-8 code points) in s, for lining names up in columns. */
int netc_text_width(const char *s);

#endif

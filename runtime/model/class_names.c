/* class_names.c - a class as people read it: its name, else its number. */
#include "model/class_names.h"

#include <stdio.h>

int netc_class_count(const netc_model *m)
{
    return m->n_output == 1 ? 2 : m->n_output;
}

const char *netc_class_label(const netc_model *m, int k, char *buf, size_t size)
{
    if (m->class_names && k >= 0 && k < m->n_class_names)
        return m->class_names[k];
    snprintf(buf, size, "%d", k);
    return buf;
}

int netc_text_width(const char *s)
{
    int n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* class_names.c - the export's class names (`classes { ... }` in the .net file): declared
 * in NAME.h, defined in NAME.c; nothing for a network without them. */
#include "infer/infer_internal.h"

void infer_class_names_declaration(const struct emit *e)
{
    const struct network *net = e->net;
    if (net->nclasses == 0)
        return;
    pr_line(e->p, "#define %s_N_CLASS %d", e->up, net->nclasses);
    pr_line(e->p, "/* The name of each class, by the number %s_classify returns: %s_class_names[k]. */",
            e->name, e->name);
    pr_line(e->p, "extern const char *const %s_class_names[%s_N_CLASS];", e->name, e->up);
}

void infer_class_names_definition(const struct emit *e)
{
    const struct network *net = e->net;
    if (net->nclasses == 0)
        return;
    pr_open(e->p, "const char *const %s_class_names[%s_N_CLASS] =", e->name, e->up);
    for (int i = 0; i < net->nclasses; i++)
        pr_string_literal(e->p, "", net->class_names[i], ",");
    pr_close_with(e->p, ";");
    pr_blank(e->p);
}

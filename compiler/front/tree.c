/* tree.c - the syntax tree, node by node, as the grammar's actions (parser.y) build it. */
#include "front/parse.h"

#include <string.h>

void syntax_free(struct syntax *tree)
{
    arena_free(tree->arena);
    memset(tree, 0, sizeof *tree);
}

static struct statement *add_statement(struct parse_ctx *c, enum statement_kind kind, struct loc kw)
{
    struct statement *s = arena_alloc(c->tree->arena, sizeof *s);
    s->kind = kind;
    s->loc = kw;
    if (c->tree->last)
        c->tree->last->next = s;
    else
        c->tree->first = s;
    c->tree->last = s;
    return s;
}

void syntax_network(struct parse_ctx *c, struct loc kw, const struct value *name)
{
    struct statement *s = add_statement(c, STMT_NETWORK, kw);
    s->name = name->text;
    s->name_loc = name->loc;
}

void syntax_input_number(struct parse_ctx *c, struct loc kw, const struct value *size)
{
    struct statement *s = add_statement(c, STMT_INPUT, kw);
    s->rank = 1;
    s->dims[0] = size->is_integer ? size->number : -1;   /* -1: not a whole number */
    s->dims_loc = size->loc;
}

void syntax_input_shape(struct parse_ctx *c, struct loc kw, const struct shape *shape, struct loc at)
{
    struct statement *s = add_statement(c, STMT_INPUT, kw);
    s->rank = shape->rank;
    memcpy(s->dims, shape->dims, sizeof s->dims);
    s->dims_loc = at;
}

void syntax_dense(struct parse_ctx *c, struct loc kw, const struct value *size,
                  const struct value *activation, const struct value *name)
{
    struct statement *s = add_statement(c, STMT_DENSE, kw);
    s->size = *size;
    s->activation = *activation;
    if (name) {
        s->name = name->text;
        s->name_loc = name->loc;
    }
}

void syntax_conv(struct parse_ctx *c, struct loc kw, const struct value *filters,
                 const struct shape *kernel, struct loc kernel_loc, const struct value *activation,
                 struct arg *options, const struct value *name)
{
    syntax_dense(c, kw, filters, activation, name);
    struct statement *s = c->tree->last;
    s->kind = STMT_CONV;
    s->rank = kernel->rank;
    memcpy(s->dims, kernel->dims, sizeof s->dims);
    s->dims_loc = kernel_loc;
    s->options = syntax_in_order(options);
}

void syntax_pool(struct parse_ctx *c, enum statement_kind kind, struct loc kw,
                 const struct shape *window, struct loc window_loc, struct arg *options)
{
    struct statement *s = add_statement(c, kind, kw);
    s->rank = window->rank;
    memcpy(s->dims, window->dims, sizeof s->dims);
    s->dims_loc = window_loc;
    s->options = syntax_in_order(options);
}

void syntax_dropout(struct parse_ctx *c, struct loc kw, const struct value *rate)
{
    struct statement *s = add_statement(c, STMT_DROPOUT, kw);
    s->size = *rate;
}

void syntax_classes(struct parse_ctx *c, struct loc kw, struct arg *names)
{
    struct statement *s = add_statement(c, STMT_CLASSES, kw);
    s->classes = syntax_in_order(names);
}

struct statement *syntax_open_block(struct parse_ctx *c, enum statement_kind kind, struct loc kw)
{
    c->open_block = add_statement(c, kind, kw);
    c->open_tail = NULL;
    return c->open_block;
}

void syntax_close_block(struct parse_ctx *c, struct statement *block)
{
    (void)block;
    c->open_block = NULL;
    c->open_tail = NULL;
}

void syntax_setting(struct parse_ctx *c, const struct value *key, const struct value *value)
{
    if (!c->open_block)
        return;
    struct setting *s = arena_alloc(c->tree->arena, sizeof *s);
    s->key = key->text;
    s->key_loc = key->loc;
    s->value = *value;
    if (c->open_tail)
        c->open_tail->next = s;
    else
        c->open_block->settings = s;
    c->open_tail = s;
}

/* The grammar collects arguments newest first (constant time each); put them in order. */
struct arg *syntax_in_order(struct arg *args)
{
    struct arg *ordered = NULL;
    while (args) {
        struct arg *next = args->next;
        args->next = ordered;
        ordered = args;
        args = next;
    }
    return ordered;
}

struct value syntax_call(struct parse_ctx *c, const struct value *callee, struct arg *args,
                         struct loc close)
{
    (void)c;
    struct value v = *callee;
    v.kind = VALUE_CALL;
    v.loc.last_line = close.last_line;
    v.loc.last_column = close.last_column;
    v.args = syntax_in_order(args);
    for (const struct arg *a = v.args; a; a = a->next)
        v.nargs++;
    return v;
}

struct arg *syntax_arg(struct parse_ctx *c, const struct value *key, const struct value *value)
{
    struct arg *a = arena_alloc(c->tree->arena, sizeof *a);
    if (key) {
        a->key = key->text;
        a->key_loc = key->loc;
    }
    a->value = *value;
    return a;
}

struct arg *syntax_append_arg(struct arg *list, struct arg *last)
{
    last->next = list;
    return last;
}

/* parse.h - reading a .net file into a syntax tree. */
#ifndef NETC_PARSE_H
#define NETC_PARSE_H

#include <stddef.h>

#include "front/diag.h"
#include "front/lexer_state.h"
#include "front/syntax.h"

/* Parse src (len bytes, NULs allowed) into tree; messages go to d.  Returns the
 * number of errors (0: the tree is complete).  Free the tree with syntax_free(). */
int parse_source(struct diag *d, const char *src, size_t len, struct syntax *tree);

/* What the grammar's actions call (parser.y): build nodes (tree.c), report what they
 * must (syntax_error.c).  Neither calls the parser back. */
struct parse_ctx {
    struct syntax *tree;
    struct diag *diag;
    struct lexer_state *lex;
    struct statement *open_block;   /* the train/data block being read, for "not closed" */
    struct setting *open_tail;      /* its last setting, to append in constant time */
    int class_mistakes;             /* in the classes list being read: reported once */
};

void syntax_network(struct parse_ctx *c, struct loc kw, const struct value *name);
void syntax_input_number(struct parse_ctx *c, struct loc kw, const struct value *size);
void syntax_input_shape(struct parse_ctx *c, struct loc kw, const struct shape *shape, struct loc at);
void syntax_dense(struct parse_ctx *c, struct loc kw, const struct value *size,
                  const struct value *activation, const struct value *name);
void syntax_conv(struct parse_ctx *c, struct loc kw, const struct value *filters,
                 const struct shape *kernel, struct loc kernel_loc, const struct value *activation,
                 struct arg *options, const struct value *name);
void syntax_pool(struct parse_ctx *c, enum statement_kind kind, struct loc kw,
                 const struct shape *window, struct loc window_loc, struct arg *options);
void syntax_dropout(struct parse_ctx *c, struct loc kw, const struct value *rate);
void syntax_classes(struct parse_ctx *c, struct loc kw, struct arg *names);
struct statement *syntax_open_block(struct parse_ctx *c, enum statement_kind kind, struct loc kw);
void syntax_close_block(struct parse_ctx *c, struct statement *block);
void syntax_setting(struct parse_ctx *c, const struct value *key, const struct value *value);
struct value syntax_call(struct parse_ctx *c, const struct value *callee, struct arg *args,
                         struct loc close);
struct arg *syntax_arg(struct parse_ctx *c, const struct value *key, const struct value *value);
struct arg *syntax_append_arg(struct arg *list, struct arg *last);
struct arg *syntax_in_order(struct arg *args);     /* a list built newest first, in order */
void syntax_free(struct syntax *tree);
/* An error found by an error production: the message and what to write instead. */
void syntax_report(struct parse_ctx *c, struct loc at, const char *message, const char *hint);
/* A name or number (v) or a comma (v NULL) in a classes list: the first one is reported. */
void syntax_class_mistake(struct parse_ctx *c, struct loc at, const struct value *v);
void syntax_error(struct parse_ctx *c, struct loc at, const char *unexpected,
                  const char *const *expected, int nexpected);

#endif

/* syntax.h - the syntax tree the parser builds: what the user wrote, with locations.
 *
 * The tree keeps every setting as written (a name and a value); the checker
 * (check.c) gives them meaning.  Nodes live in an arena freed all at once, so error
 * recovery in the parser never leaks.
 */
#ifndef NETC_SYNTAX_H
#define NETC_SYNTAX_H

#include <stddef.h>

/* A span of source text: first line and column (1-based), last line and column
 * (inclusive).  Columns count bytes. */
struct loc {
    int first_line, first_column;
    int last_line, last_column;
};

struct arena;
struct arena *arena_new(void);
void *arena_alloc(struct arena *a, size_t size);          /* zeroed, never NULL (aborts) */
char *arena_strndup(struct arena *a, const char *s, size_t n);
void arena_free(struct arena *a);

enum value_kind { VALUE_NUMBER, VALUE_STRING, VALUE_NAME, VALUE_CALL };

struct arg;

/* A value: 3.0, "file.csv", sigmoid, adam(beta1 = 0.9). */
struct value {
    enum value_kind kind;
    struct loc loc;
    const char *text;       /* the name, the string's contents, or the number as written */
    double number;          /* VALUE_NUMBER */
    int is_integer;         /* VALUE_NUMBER written without '.', 'e' */
    struct arg *args;       /* VALUE_CALL: the arguments in order */
    int nargs;
};

/* One argument of a call: positional (key NULL) or named (key = value). */
struct arg {
    const char *key;
    struct loc key_loc;
    struct value value;     /* never a call */
    struct arg *next;
};

/* `name value` inside a train or data block. */
struct setting {
    const char *key;
    struct loc key_loc;
    struct value value;
    struct setting *next;
};

enum statement_kind {
    STMT_NETWORK, STMT_INPUT, STMT_DENSE, STMT_CONV, STMT_MAXPOOL, STMT_AVGPOOL, STMT_DROPOUT,
    STMT_TRAIN, STMT_DATA, STMT_CLASSES
};

struct statement {
    enum statement_kind kind;
    struct loc loc;             /* the keyword */
    /* network NAME / dense ... as NAME / conv ... as NAME */
    const char *name;
    struct loc name_loc;
    /* input 784 / input 28x28, conv's kernel 5x5, a pool's window 2x2: the dimensions */
    int rank;
    double dims[3];
    struct loc dims_loc;
    /* dense SIZE ACTIVATION, conv FILTERS KERNEL ACTIVATION, dropout RATE */
    struct value size;
    struct value activation;
    /* conv, pools: `stride 2 padding 1`, as named arguments in the order written */
    struct arg *options;
    /* train { ... } / data { ... } */
    struct setting *settings;
    /* classes { "T-shirt" ... }: the names in order, as positional arguments (a name or
     * number written by mistake is kept too, its error already reported) */
    struct arg *classes;
    struct statement *next;
};

struct syntax {
    struct statement *first, *last;
    struct arena *arena;
};

#endif

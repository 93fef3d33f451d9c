/* lexer_state.h - what the lexer keeps between tokens, and the helpers its rules call. */
#ifndef NETC_LEXER_STATE_H
#define NETC_LEXER_STATE_H

#include <stddef.h>

#include "front/syntax.h"

struct shape {
    int rank;               /* how many dimensions were written (may exceed 3) */
    double dims[3];
};

struct lexer_state {
    struct arena *arena;    /* where token texts are copied */
    int line, column;       /* the position after the last matched byte */
    int at_line_start;      /* no token yet on this line (an end of line is due at EOF otherwise) */
    int last_token;         /* for "unexpected ..." messages */
    int prev_token;         /* the token before it */
    const char *last_text;
    size_t last_len;
    unsigned char bad_byte; /* the byte of the last "invalid character" */
};

void lexer_state_init(struct lexer_state *s, struct arena *arena);
void lexer_advance(struct lexer_state *s, struct loc *loc, const char *text, size_t len);
int lexer_token(struct lexer_state *s, int token);
int lexer_newline(struct lexer_state *s);      /* returns the end-of-line token */
void lexer_number(struct lexer_state *s, const char *text, size_t len, int is_integer,
                  const struct loc *loc, struct value *out);
void lexer_text(struct lexer_state *s, enum value_kind kind, const char *text, size_t len,
                const struct loc *loc, struct value *out);
void lexer_string(struct lexer_state *s, const char *text, size_t len, const struct loc *loc,
                  struct value *out);
void lexer_shape(struct lexer_state *s, const char *text, struct shape *out);

#endif

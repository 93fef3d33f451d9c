/* lexer_state.c - the work behind the lexer's rules: locations, numbers, strings. */
#include "front/lexer_state.h"

#include "parser.h"

#include <stdlib.h>
#include <string.h>

void lexer_state_init(struct lexer_state *s, struct arena *arena)
{
    memset(s, 0, sizeof *s);
    s->arena = arena;
    s->line = 1;
    s->column = 1;
    s->at_line_start = 1;
}

void lexer_advance(struct lexer_state *s, struct loc *loc, const char *text, size_t len)
{
    loc->first_line = s->line;
    loc->first_column = s->column;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') {
            s->line++;
            s->column = 1;
        } else {
            s->column++;
        }
    }
    loc->last_line = s->line;
    loc->last_column = s->column - 1;
    if (len == 1 && text[0] == '\n') {  /* an end of line sits where the line ended */
        loc->last_line = loc->first_line;
        loc->last_column = loc->first_column;
    }
    s->last_text = text;
    s->last_len = len;
}

int lexer_token(struct lexer_state *s, int token)
{
    s->at_line_start = 0;
    s->prev_token = s->last_token;
    s->last_token = token;
    return token;
}

int lexer_newline(struct lexer_state *s)
{
    lexer_token(s, NL);
    s->at_line_start = 1;
    return NL;
}

void lexer_text(struct lexer_state *s, enum value_kind kind, const char *text, size_t len,
                const struct loc *loc, struct value *out)
{
    memset(out, 0, sizeof *out);
    out->kind = kind;
    out->loc = *loc;
    out->text = arena_strndup(s->arena, text, len);
}

void lexer_number(struct lexer_state *s, const char *text, size_t len, int is_integer,
                  const struct loc *loc, struct value *out)
{
    lexer_text(s, VALUE_NUMBER, text, len, loc, out);
    out->number = strtod(out->text, NULL);     /* overflow gives HUGE_VAL: the checker says so */
    out->is_integer = is_integer;
}

/* The contents between the quotes, with \" \\ \n \t resolved; other escapes kept as written. */
void lexer_string(struct lexer_state *s, const char *text, size_t len, const struct loc *loc,
                  struct value *out)
{
    lexer_text(s, VALUE_STRING, text + 1, len - 2, loc, out);
    char *w = (char *)out->text;
    for (const char *r = out->text; *r; r++) {
        if (*r == '\\' && r[1]) {
            r++;
            *w++ = *r == 'n' ? '\n' : *r == 't' ? '\t' : *r;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
}

/* "28x28" -> rank 2, dims 28 and 28 (digits only: the rule guarantees them). */
void lexer_shape(struct lexer_state *s, const char *text, struct shape *out)
{
    (void)s;
    memset(out, 0, sizeof *out);
    double d = 0;
    for (const char *p = text;; p++) {
        if (*p >= '0' && *p <= '9') {
            d = d * 10 + (*p - '0');
            continue;
        }
        if (out->rank < 3)
            out->dims[out->rank] = d;
        out->rank++;
        d = 0;
        if (*p != 'x')
            break;
    }
}

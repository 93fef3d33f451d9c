/* syntax_error.c - what the parser says when a line does not parse: "unexpected X,
 * expected Y", in the words users know, and a hint for the usual mistakes. */
#include "front/parse.h"

#include <stdio.h>
#include <string.h>

#include "front/keywords.h"
#include "front/settings.h"
#include "parser.h"

void syntax_report(struct parse_ctx *c, struct loc at, const char *message, const char *hint)
{
    diag_error(c->diag, at, "%s", message);
    diag_hint(c->diag, "%s", hint);
}

void syntax_class_mistake(struct parse_ctx *c, struct loc at, const struct value *v)
{
    if (c->class_mistakes++)
        return;
    if (!v) {
        syntax_report(c, at, "unexpected ',' between class names",
                      "class names are separated by spaces or line ends, not commas");
        return;
    }
    diag_error(c->diag, at, "a class name is a string");
    diag_hint(c->diag, "write each name in double quotes: \"%.60s\"%s", v->text,
              v->kind == VALUE_NUMBER ? "; without a 'classes' list the classes are numbered" : "");
}

/* ---- "unexpected X, expected Y": the words users see for each token ---- */

/* Bison names tokens by their aliases ("name", "end of line"), with or without the
 * double quotes depending on its version. */
static int symbol_is(const char *symbol, const char *alias)
{
    size_t len = strlen(alias);
    if (symbol[0] == '"')
        return strncmp(symbol + 1, alias, len) == 0 && symbol[len + 1] == '"' && !symbol[len + 2];
    return strcmp(symbol, alias) == 0;
}

static void describe_expected(const char *symbol, char *out, size_t size)
{
    size_t len = strlen(symbol);
    if (len >= 2 && symbol[0] == '"') {
        symbol++;
        len -= 2;
    }
    if (front_is_keyword(symbol, len)) {
        snprintf(out, size, "'%.*s'", (int)len, symbol);
        return;
    }
    static const char *const articled[] = { "name", "number", "string", "shape" };
    for (size_t k = 0; k < sizeof articled / sizeof articled[0]; k++)
        if (strlen(articled[k]) == len && strncmp(symbol, articled[k], len) == 0) {
            snprintf(out, size, "a %.*s", (int)len, symbol);
            return;
        }
    snprintf(out, size, "%.*s", (int)len, symbol);
}

static void describe_unexpected(const struct lexer_state *lex, char *out, size_t size)
{
    int shown = lex->last_len > 40 ? 40 : (int)lex->last_len;
    const char *more = lex->last_len > 40 ? "..." : "";
    switch (lex->last_token) {
    case YYEOF: snprintf(out, size, "end of file"); break;
    case NL: snprintf(out, size, "end of line"); break;
    case NAME: snprintf(out, size, "name '%.*s%s'", shown, lex->last_text, more); break;
    case NUMBER: snprintf(out, size, "number %.*s%s", shown, lex->last_text, more); break;
    case STRING: snprintf(out, size, "string %.*s%s", shown, lex->last_text, more); break;
    case SHAPE: snprintf(out, size, "shape %.*s%s", shown, lex->last_text, more); break;
    default: snprintf(out, size, "'%.*s%s'", shown, lex->last_text, more); break;
    }
}

/* Words that people write for a layer. */
static const char *const layer_words[] = { "layer", "hidden", "output", "fc", "linear", "fully_connected" };

static int in_list(const char *word, const char *const *list, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(word, list[i]) == 0)
            return 1;
    return 0;
}

/* An unknown word where a statement starts: the usual reasons, most likely first. */
static void hint_statement_word(struct parse_ctx *c, const char *word)
{
    if (setting_index(STMT_TRAIN, word) >= 0)
        diag_hint(c->diag, "'%s' is a training setting: it belongs inside 'train { ... }'", word);
    else if (setting_index(STMT_DATA, word) >= 0)
        diag_hint(c->diag, "'%s' is a data setting: it belongs inside 'data { ... }'", word);
    else if (in_list(word, layer_words, sizeof layer_words / sizeof layer_words[0]))
        diag_hint(c->diag, "layers are written 'dense SIZE ACTIVATION', e.g. 'dense 16 sigmoid'");
    else {
        const char *best = diag_closest(word, front_keywords, front_nkeywords);
        if (best)
            diag_hint(c->diag, "did you mean '%s'?", best);
    }
}

static int last_text_is(const struct lexer_state *lex, const char *text)
{
    return lex->last_len == strlen(text) && strncmp(lex->last_text, text, lex->last_len) == 0;
}

/* A token that cannot go where it is: the usual reasons, judged by the token before. */
static void hint_misplaced_token(struct parse_ctx *c, int line_should_end, int in_call)
{
    const struct lexer_state *lex = c->lex;
    if (in_call && lex->last_token == NL)
        diag_hint(c->diag, "the arguments end with ')' on the same line");
    else if (in_call && lex->last_token == ':')
        diag_hint(c->diag, "named arguments are written 'name = value', e.g. adam(beta1 = 0.9)");
    else if (lex->last_token == ':' && (lex->prev_token == TRAIN || lex->prev_token == DATA))
        diag_hint(c->diag, "a block is written '%s {', its settings on the lines below, then '}' on a line of its own",
                  lex->prev_token == TRAIN ? "train" : "data");
    else if (c->open_block && (lex->last_token == DROPOUT || lex->last_token == CONV ||
                               lex->last_token == MAXPOOL || lex->last_token == AVGPOOL))
        diag_hint(c->diag, "'%.*s' is a layer, not a setting: write it between the layers, e.g. "
                  "'dropout 0.5' after a dense layer", (int)lex->last_len, lex->last_text);
    else if (line_should_end && lex->prev_token == '{')
        diag_hint(c->diag, "put each setting on its own line after '{', and '}' on a line of its own");
    else if (lex->last_token == ',' && lex->prev_token == NUMBER)
        diag_hint(c->diag, "decimals are written with a point: 0.5, not 0,5");
    else if (lex->last_token == NAME && lex->prev_token == DENSE)
        diag_hint(c->diag, "layers are written 'dense SIZE ACTIVATION', e.g. 'dense 16 sigmoid'");
    else if (lex->last_token == NAME && lex->prev_token == NUMBER && last_text_is(lex, "x"))
        diag_hint(c->diag, "shapes are written without spaces, e.g. 'input 28x28'");
    else if (line_should_end && c->open_block)
        diag_hint(c->diag, "each setting takes one value, on the line of its name");
}

static void invalid_character(struct parse_ctx *c, struct loc at)
{
    unsigned char b = c->lex->bad_byte;
    if (b == 0) {
        diag_error(c->diag, at, "NUL byte in the source");
        diag_hint(c->diag, "this looks like a binary file, not a .net description");
    } else if (b >= 0x80) {
        diag_error(c->diag, at, "non-ASCII byte 0x%02X outside a string or comment", b);
        diag_hint(c->diag, "names and numbers are plain ASCII; other text belongs in \"strings\" or # comments");
    } else if (b < 0x20 || b == 0x7f) {
        diag_error(c->diag, at, "control character 0x%02X in the source", b);
        diag_hint(c->diag, "only spaces, tabs and line ends may separate words; delete it");
    } else if (b == '\'') {
        diag_error(c->diag, at, "unexpected single quote");
        diag_hint(c->diag, "strings are written in double quotes: \"...\"");
    } else {
        diag_error(c->diag, at, "unexpected character '%c'", b);
        if (strchr("./\\~", b) && c->open_block)
            diag_hint(c->diag, "file names are written in double quotes, e.g. train_csv \"data/train.csv\"");
        else if (b == ';')
            diag_hint(c->diag, "a line ends a statement or a setting: no ';' is needed");
        else if (b == '*' && c->lex->prev_token == NUMBER)
            diag_hint(c->diag, "shapes are written with 'x', e.g. 'input 28x28'");
    }
}

/* The file ended before a block's '}'. */
static void unclosed_block(struct parse_ctx *c, struct loc at)
{
    const char *kind = c->open_block->kind == STMT_TRAIN ? "train" : "data";
    diag_error(c->diag, at, "the file ends inside the '%s' block", kind);
    diag_note(c->diag, c->open_block->loc, "the '%s' block starts here", kind);
    diag_hint(c->diag, "close it with '}' on a line of its own");
}

void syntax_error(struct parse_ctx *c, struct loc at, const char *unexpected,
                  const char *const *expected, int nexpected)
{
    (void)unexpected;
    const struct lexer_state *lex = c->lex;
    if (lex->last_token == INVALID) {
        invalid_character(c, at);
        return;
    }
    if (lex->last_token == UNTERMINATED_STRING) {
        diag_error(c->diag, at, "missing closing '\"'");
        diag_hint(c->diag, "a string ends on the line where it starts");
        return;
    }
    if (lex->last_token == YYEOF && c->open_block) {
        unclosed_block(c, at);
        return;
    }
    /* "end of file" is always possible between statements: listing it helps nobody. */
    const char *wanted[16];
    int nwanted = 0, at_statement = 0, in_call = 0;
    for (int i = 0; i < nexpected && nwanted < 16; i++) {
        if (!symbol_is(expected[i], "end of file"))
            wanted[nwanted++] = expected[i];
        if (symbol_is(expected[i], "network"))
            at_statement = 1;
        if (symbol_is(expected[i], "')'"))
            in_call = 1;
    }
    char got[80], list[512] = "", word[64];
    describe_unexpected(lex, got, sizeof got);
    for (int i = 0; i < nwanted; i++) {
        describe_expected(wanted[i], word, sizeof word);
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s",
                 i == 0 ? "" : i == nwanted - 1 ? " or " : ", ", word);
    }
    if (nwanted > 0)
        diag_error(c->diag, at, "unexpected %s, expected %s", got, list);
    else
        diag_error(c->diag, at, "unexpected %s", got);

    if (lex->last_token == NAME && at_statement) {
        char name[64];
        snprintf(name, sizeof name, "%.*s", lex->last_len > 63 ? 63 : (int)lex->last_len, lex->last_text);
        hint_statement_word(c, name);
    } else {
        hint_misplaced_token(c, nwanted == 1 && symbol_is(wanted[0], "end of line"), in_call);
    }
}

/* parse.c - runs the lexer and parser over a file's bytes.  The grammar's actions build
 * the syntax tree with tree.c and report what does not parse with syntax_error.c. */
#include "front/parse.h"

#include <string.h>

#include "parser.h"
#include "lexer.h"

int parse_source(struct diag *d, const char *src, size_t len, struct syntax *tree)
{
    memset(tree, 0, sizeof *tree);
    tree->arena = arena_new();
    struct lexer_state lex;
    lexer_state_init(&lex, tree->arena);
    yyscan_t scanner;
    if (yylex_init_extra(&lex, &scanner) != 0) {
        diag_file_error(d, "cannot start the lexer (out of memory)");
        return d->errors;
    }
    YY_BUFFER_STATE buffer = yy_scan_bytes(src, (int)len, scanner);
    struct parse_ctx ctx = { tree, d, &lex, NULL, NULL, 0 };
    if (yyparse(scanner, &ctx) == 2)
        diag_file_error(d, "out of memory while parsing");
    yy_delete_buffer(buffer, scanner);
    yylex_destroy(scanner);
    return d->errors;
}

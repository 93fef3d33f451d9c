/* parser.y - the grammar of the .net language (docs/language.md is its reference).
 *
 *   network mnist
 *   input 784
 *   dense 16 sigmoid [as NAME]
 *   conv 6 5x5 relu [stride 1] [padding 2] [as NAME]
 *   maxpool 2x2 [stride 2]      avgpool 2x2 [stride 2]      dropout 0.5
 *   train { loss mse ... }   data { train_images "..." ... }
 *   classes { "T-shirt" "Trouser" ... }
 *
 * Actions build the syntax tree and nothing else; meaning is given by check.c.
 * Error productions carry the hints for the mistakes users really make.
 */
%require "3.8"
%define api.pure full
%define parse.error custom
%define parse.lac full
%define api.location.type {struct loc}
%locations
%expect 0
%param {yyscan_t scanner}
%parse-param {struct parse_ctx *ctx}

%code requires {
#include "front/syntax.h"
#include "front/lexer_state.h"
#ifndef YY_TYPEDEF_YY_SCANNER_T
#define YY_TYPEDEF_YY_SCANNER_T
typedef void *yyscan_t;
#endif
struct parse_ctx;
}

%code provides {
int yylex(YYSTYPE *yylval, YYLTYPE *yylloc, yyscan_t scanner);
}

%code {
#include "front/parse.h"
static void yyerror(const struct loc *at, yyscan_t scanner, struct parse_ctx *ctx, const char *message);
static void add_setting(struct parse_ctx *ctx, const struct arg *pair);
}

%union {
    struct value value;
    struct shape shape;
    struct setting *setting;
    struct arg *arg;
    struct statement *statement;
}

%token NETWORK "network" INPUT "input" DENSE "dense" CONV "conv" MAXPOOL "maxpool"
%token AVGPOOL "avgpool" DROPOUT "dropout" TRAIN "train" DATA "data" CLASSES "classes" AS "as"
%token <value> NAME "name" NUMBER "number" STRING "string"
%token <shape> SHAPE "shape"
%token NL "end of line"
%token UNTERMINATED_STRING "unterminated string" INVALID "invalid character"

%type <value> value scalar
%type <arg> args arg setting options class_names
%type <statement> block_open block_reopened

%%

file
    : %empty
    | file line
    ;

line
    : NL
    | statement NL
    | block NL
    | error NL                  { yyerrok; }
    ;

statement
    : "network" NAME            { syntax_network(ctx, @1, &$2); }
    | "input" NUMBER            { syntax_input_number(ctx, @1, &$2); }
    | "input" SHAPE             { syntax_input_shape(ctx, @1, &$2, @2); }
    | "dense" NUMBER value      { syntax_dense(ctx, @1, &$2, &$3, NULL); }
    | "dense" NUMBER value "as" NAME
                                { syntax_dense(ctx, @1, &$2, &$3, &$5); }
    | "conv" NUMBER SHAPE value options
                                { syntax_conv(ctx, @1, &$2, &$3, @3, &$4, $5, NULL); }
    | "conv" NUMBER SHAPE value options "as" NAME
                                { syntax_conv(ctx, @1, &$2, &$3, @3, &$4, $5, &$7); }
    | "maxpool" SHAPE options   { syntax_pool(ctx, STMT_MAXPOOL, @1, &$2, @2, $3); }
    | "avgpool" SHAPE options   { syntax_pool(ctx, STMT_AVGPOOL, @1, &$2, @2, $3); }
    | "dropout" NUMBER          { syntax_dropout(ctx, @1, &$2); }
    | "classes" opt_nls '{' class_names '}'
                                { syntax_classes(ctx, @1, $4); }
    | "network"                 { syntax_report(ctx, @1, "'network' needs a name",
                                      "write e.g. 'network mnist'; the name prefixes the generated C"); }
    | "input"                   { syntax_report(ctx, @1, "'input' needs a size",
                                      "write 'input 784', or 'input 28x28' for an image"); }
    | "dense" NUMBER            { syntax_report(ctx, @2, "the layer needs an activation",
                                      "write e.g. 'dense 16 sigmoid' (sigmoid, relu, leaky_relu(alpha), tanh, linear, softmax)"); }
    | "dense"                   { syntax_report(ctx, @1, "'dense' needs a size and an activation",
                                      "write e.g. 'dense 16 sigmoid'"); }
    | "conv" NUMBER SHAPE NAME NUMBER options
                                { syntax_report(ctx, @4, "the layer needs an activation before its options",
                                      "write e.g. 'conv 6 5x5 relu padding 2' (sigmoid, relu, leaky_relu(alpha), tanh, linear)"); }
    | "conv" NUMBER SHAPE       { syntax_report(ctx, @3, "the layer needs an activation",
                                      "write e.g. 'conv 6 5x5 relu' (sigmoid, relu, leaky_relu(alpha), tanh, linear)"); }
    | "conv" NUMBER NUMBER      { syntax_report(ctx, @3, "a kernel is written as its height and width",
                                      "write e.g. 'conv 6 5x5 relu' for 5 x 5 kernels"); }
    | "conv" NUMBER             { syntax_report(ctx, @2, "'conv' needs a kernel and an activation",
                                      "write e.g. 'conv 6 5x5 relu': 6 filters of 5 x 5"); }
    | "conv"                    { syntax_report(ctx, @1, "'conv' needs filters, a kernel and an activation",
                                      "write e.g. 'conv 6 5x5 relu': 6 filters of 5 x 5"); }
    | "maxpool" NUMBER          { syntax_report(ctx, @2, "a window is written as its height and width",
                                      "write e.g. 'maxpool 2x2'"); }
    | "avgpool" NUMBER          { syntax_report(ctx, @2, "a window is written as its height and width",
                                      "write e.g. 'avgpool 2x2'"); }
    | "maxpool"                 { syntax_report(ctx, @1, "'maxpool' needs a window",
                                      "write e.g. 'maxpool 2x2'"); }
    | "avgpool"                 { syntax_report(ctx, @1, "'avgpool' needs a window",
                                      "write e.g. 'avgpool 2x2'"); }
    | "dropout"                 { syntax_report(ctx, @1, "'dropout' needs a rate",
                                      "write e.g. 'dropout 0.5': each activation is zeroed with probability 0.5 while training"); }
    ;

/* conv and pools: `stride 2 padding 1`, each a name and a number (check.c knows the names) */
options
    : %empty                    { $$ = NULL; }
    | options NAME NUMBER       { $$ = syntax_append_arg($1, syntax_arg(ctx, &$2, &$3)); }
    ;

block
    : block_open nls settings '}'  { syntax_close_block(ctx, $1); }
    | block_open error '}'      { syntax_close_block(ctx, $1); }
    | block_reopened opt_nls settings '}'
                                { syntax_close_block(ctx, $1); }
    ;

/* Something after '{' on its line ("train { loss mse"): reported with a hint; the
 * block ends there when its '}' is on that line too, else it is read on. */
block_reopened
    : block_open error NL       { $$ = $1; yyerrok; }
    ;

block_open
    : "train" opt_nls '{'       { $$ = syntax_open_block(ctx, STMT_TRAIN, @1); }
    | "data" opt_nls '{'        { $$ = syntax_open_block(ctx, STMT_DATA, @1); }
    ;

/* A setting joins its block only once its line has ended well: "learning_rate 0,1"
 * must not leave a learning rate of 0 behind to be reported again. */
settings
    : %empty
    | settings setting nls      { add_setting(ctx, $2); }
    | settings error nls        { yyerrok; }
    ;

/* The name and the value, as a named argument holds them; NULL when there is no value. */
setting
    : NAME value                { $$ = syntax_arg(ctx, &$1, &$2); }
    | NAME                      { diag_error(ctx->diag, @1, "'%.60s' has no value", $1.text);
                                  diag_hint(ctx->diag, "write the setting and its value on one line, e.g. 'epochs 30'");
                                  $$ = NULL; }
    | NAME '=' value            { syntax_report(ctx, @2, "unexpected '='", "settings are written 'name value', without '='");
                                  $$ = syntax_arg(ctx, &$1, &$3); }
    | NAME ':' value            { syntax_report(ctx, @2, "unexpected ':'", "settings are written 'name value', without ':'");
                                  $$ = syntax_arg(ctx, &$1, &$3); }
    ;

value
    : scalar
    | NAME '(' args ')'         { $$ = syntax_call(ctx, &$1, $3, @4); }
    | NAME '(' ')'              { $$ = syntax_call(ctx, &$1, NULL, @3); }
    ;

scalar
    : NUMBER
    | STRING
    | NAME
    ;

args
    : arg
    | args ',' arg              { $$ = syntax_append_arg($1, $3); }
    ;

arg
    : scalar                    { $$ = syntax_arg(ctx, NULL, &$1); }
    | NAME '=' scalar           { $$ = syntax_arg(ctx, &$1, &$3); }
    ;

nls
    : NL
    | nls NL
    ;

opt_nls
    : %empty
    | nls
    ;

/* classes { "T-shirt" "Trouser" ... }: strings, over as many lines as they take; the
 * mistakes people make (bare names, numbers, commas) are reported and read on. */
class_names
    : %empty                    { $$ = NULL; ctx->class_mistakes = 0; }
    | class_names NL            { $$ = $1; }
    | class_names STRING        { $$ = syntax_append_arg($1, syntax_arg(ctx, NULL, &$2)); }
    | class_names NAME          { syntax_class_mistake(ctx, @2, &$2);
                                  $$ = syntax_append_arg($1, syntax_arg(ctx, NULL, &$2)); }
    | class_names NUMBER        { syntax_class_mistake(ctx, @2, &$2);
                                  $$ = syntax_append_arg($1, syntax_arg(ctx, NULL, &$2)); }
    | class_names ','           { syntax_class_mistake(ctx, @2, NULL); $$ = $1; }
    ;

%%

/* "unexpected X, expected A, B or C", with a hint for the mistakes users make. */
static int yyreport_syntax_error(const yypcontext_t *pctx, yyscan_t scanner, struct parse_ctx *ctx)
{
    (void)scanner;
    enum { MAX_EXPECTED = 16 };
    yysymbol_kind_t expected[MAX_EXPECTED];
    int n = yypcontext_expected_tokens(pctx, expected, MAX_EXPECTED);
    const char *names[MAX_EXPECTED];
    for (int i = 0; i < n && i < MAX_EXPECTED; i++)
        names[i] = yysymbol_name(expected[i]);
    yysymbol_kind_t got = yypcontext_token(pctx);
    syntax_error(ctx, *yypcontext_location(pctx), yysymbol_name(got), names, n < 0 ? 0 : n);
    return 0;
}

/* Bison's own failures (the parser stack exhausted): reported like any error. */
static void yyerror(const struct loc *at, yyscan_t scanner, struct parse_ctx *ctx, const char *message)
{
    (void)scanner;
    diag_error(ctx->diag, *at, "%s", message);
}

static void add_setting(struct parse_ctx *ctx, const struct arg *pair)
{
    if (!pair)
        return;
    struct value key = { .kind = VALUE_NAME, .loc = pair->key_loc, .text = pair->key };
    syntax_setting(ctx, &key, &pair->value);
}

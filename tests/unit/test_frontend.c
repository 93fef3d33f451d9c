/* test_frontend.c - the front end piece by piece: lexer, parser, checker, summary.
 *
 * Sources are strings in the test; messages are captured in a memory stream so a
 * test can assert both the result and what the user would have read.  The golden
 * files (tests/diagnostics) pin the exact wording; these tests pin the values.
 */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "front/diag.h"
#include "front/lexer_state.h"
#include "check/network.h"
#include "front/parse.h"
#include "parser.h"
#include "lexer.h"
#include "describe/summary.h"
#include "test_util.h"

/* ---- capturing messages ---- */

struct capture {
    struct diag d;
    char *text;         /* everything printed, after capture_end() */
    size_t len;
    FILE *out;
};

static void capture_begin(struct capture *c, const char *src, size_t len)
{
    c->text = NULL;
    c->len = 0;
    c->out = open_memstream(&c->text, &c->len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c->out);
    diag_init(&c->d, "t.net", src, len, c->out);
}

static void capture_end(struct capture *c)
{
    fclose(c->out);
}

/* Parse and check src for purpose; the network goes to net (free it with network_free). */
static int front_end_for(enum check_purpose purpose, const char *src, struct network *net,
                         struct capture *c)
{
    capture_begin(c, src, strlen(src));
    struct syntax tree;
    parse_source(&c->d, src, strlen(src), &tree);
    check_network(&c->d, &tree, purpose, net);
    syntax_free(&tree);
    capture_end(c);
    return c->d.errors;
}

static int front_end(const char *src, struct network *net, struct capture *c)
{
    return front_end_for(CHECK_FOR_TRAINER, src, net, c);
}

static char *sample(const char *name)
{
    char path[256];
    size_t len;
    snprintf(path, sizeof path, "samples/%s", name);
    char *src = test_read_file(path, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(src);
    return src;
}

/* ---- the lexer ---- */

enum { MAX_TOKENS = 64 };

struct token {
    int kind;
    struct loc loc;
    struct value value;
    struct shape shape;
};

struct lexed {
    struct arena *arena;
    struct lexer_state state;
    struct token tokens[MAX_TOKENS];
    int n;
};

/* Every token of src up to and including the end of file. */
static void lex(struct lexed *out, const char *src, size_t len)
{
    memset(out, 0, sizeof *out);
    out->arena = arena_new();
    lexer_state_init(&out->state, out->arena);
    yyscan_t scanner;
    CU_ASSERT_EQUAL_FATAL(yylex_init_extra(&out->state, &scanner), 0);
    YY_BUFFER_STATE buffer = yy_scan_bytes(src, (int)len, scanner);
    int kind;
    do {
        YYSTYPE v;
        YYLTYPE l;
        memset(&v, 0, sizeof v);
        kind = yylex(&v, &l, scanner);
        struct token *t = &out->tokens[out->n++];
        t->kind = kind;
        t->loc = l;
        if (kind == SHAPE)
            t->shape = v.shape;
        else if (kind == NAME || kind == NUMBER || kind == STRING)
            t->value = v.value;
    } while (kind != YYEOF && out->n < MAX_TOKENS);
    yy_delete_buffer(buffer, scanner);
    yylex_destroy(scanner);
}

static void lexed_free(struct lexed *l)
{
    arena_free(l->arena);
}

static void assert_loc(struct loc l, int line, int col, int last_col)
{
    CU_ASSERT_EQUAL(l.first_line, line);
    CU_ASSERT_EQUAL(l.first_column, col);
    CU_ASSERT_EQUAL(l.last_line, line);
    CU_ASSERT_EQUAL(l.last_column, last_col);
}

static void test_lexer_token_kinds(void)
{
    const char *src = "network mnist\ninput 28x28\ndense 16 relu as h1\ntrain {\n  loss mse\n}\n"
                      "data { x \"f\" ( ) = , : }\n";
    static const int expected[] = {
        NETWORK, NAME, NL, INPUT, SHAPE, NL, DENSE, NUMBER, NAME, AS, NAME, NL,
        TRAIN, '{', NL, NAME, NAME, NL, '}', NL,
        DATA, '{', NAME, STRING, '(', ')', '=', ',', ':', '}', NL, YYEOF,
    };
    struct lexed l;
    lex(&l, src, strlen(src));
    int n = (int)(sizeof expected / sizeof expected[0]);
    CU_ASSERT_EQUAL(l.n, n);
    for (int i = 0; i < n && i < l.n; i++)
        CU_ASSERT_EQUAL(l.tokens[i].kind, expected[i]);
    CU_ASSERT_STRING_EQUAL(l.tokens[1].value.text, "mnist");
    CU_ASSERT_STRING_EQUAL(l.tokens[10].value.text, "h1");
    lexed_free(&l);
}

static void test_lexer_keywords_are_whole_words(void)
{
    /* "networks", "dense_1", "as2": names, not keywords; '-' continues a name. */
    const char *src = "networks dense_1 as2 my-net";
    struct lexed l;
    lex(&l, src, strlen(src));
    CU_ASSERT_EQUAL(l.n, 6);
    for (int i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(l.tokens[i].kind, NAME);
    CU_ASSERT_STRING_EQUAL(l.tokens[3].value.text, "my-net");
    lexed_free(&l);
}

static void test_lexer_locations(void)
{
    const char *src = "network  mnist   # comment\n\tdense\t16 sigmoid\n";
    struct lexed l;
    lex(&l, src, strlen(src));
    assert_loc(l.tokens[0].loc, 1, 1, 7);       /* network */
    assert_loc(l.tokens[1].loc, 1, 10, 14);     /* mnist */
    assert_loc(l.tokens[2].loc, 1, 27, 27);     /* the end of line, after the comment */
    assert_loc(l.tokens[3].loc, 2, 2, 6);       /* a tab is one column */
    assert_loc(l.tokens[4].loc, 2, 8, 9);       /* 16 */
    assert_loc(l.tokens[5].loc, 2, 11, 17);     /* sigmoid */
    CU_ASSERT_EQUAL(l.tokens[6].kind, NL);
    CU_ASSERT_EQUAL(l.tokens[7].kind, YYEOF);
    lexed_free(&l);
}

static void test_lexer_crlf(void)
{
    const char *src = "network mnist\r\ninput 784\r\n";
    struct lexed l;
    lex(&l, src, strlen(src));
    CU_ASSERT_EQUAL(l.n, 7);
    CU_ASSERT_EQUAL(l.tokens[2].kind, NL);
    CU_ASSERT_EQUAL(l.tokens[2].loc.first_line, 1);
    assert_loc(l.tokens[3].loc, 2, 1, 5);       /* input: the '\r' did not shift line 2 */
    assert_loc(l.tokens[4].loc, 2, 7, 9);
    CU_ASSERT_STRING_EQUAL(l.tokens[4].value.text, "784");
    lexed_free(&l);
}

static void test_lexer_numbers(void)
{
    const char *src = "3 -16 +2 1e-3 2.5E+2 .5 3. 0.001 1e999";
    static const struct { double v; int integer; } expected[] = {
        { 3, 1 }, { -16, 1 }, { 2, 1 }, { 1e-3, 0 }, { 250, 0 }, { 0.5, 0 }, { 3, 0 }, { 0.001, 0 },
    };
    struct lexed l;
    lex(&l, src, strlen(src));
    CU_ASSERT_EQUAL(l.n, 11);       /* 9 numbers, the end of line, the end of file */
    for (int i = 0; i < 8; i++) {
        CU_ASSERT_EQUAL(l.tokens[i].kind, NUMBER);
        CU_ASSERT_DOUBLE_EQUAL(l.tokens[i].value.number, expected[i].v, 1e-12);
        CU_ASSERT_EQUAL(l.tokens[i].value.is_integer, expected[i].integer);
    }
    CU_ASSERT_STRING_EQUAL(l.tokens[4].value.text, "2.5E+2");    /* kept as written */
    CU_ASSERT_EQUAL(l.tokens[8].kind, NUMBER);
    CU_ASSERT(l.tokens[8].value.number > 1e308);                  /* overflow: the checker says so */
    assert_loc(l.tokens[1].loc, 1, 3, 5);                        /* the sign belongs to the number */
    lexed_free(&l);
}

static void test_lexer_shapes(void)
{
    const char *src = "28x28 3x32x32 1x2x3x4 28 x 28";
    struct lexed l;
    lex(&l, src, strlen(src));
    CU_ASSERT_EQUAL(l.tokens[0].kind, SHAPE);
    CU_ASSERT_EQUAL(l.tokens[0].shape.rank, 2);
    CU_ASSERT_DOUBLE_EQUAL(l.tokens[0].shape.dims[0], 28, 0);
    CU_ASSERT_DOUBLE_EQUAL(l.tokens[0].shape.dims[1], 28, 0);
    assert_loc(l.tokens[0].loc, 1, 1, 5);
    CU_ASSERT_EQUAL(l.tokens[1].shape.rank, 3);
    CU_ASSERT_DOUBLE_EQUAL(l.tokens[1].shape.dims[0], 3, 0);
    CU_ASSERT_DOUBLE_EQUAL(l.tokens[1].shape.dims[2], 32, 0);
    CU_ASSERT_EQUAL(l.tokens[2].shape.rank, 4);                 /* counted, for the checker's message */
    /* With spaces it is a number, a name and a number. */
    CU_ASSERT_EQUAL(l.tokens[3].kind, NUMBER);
    CU_ASSERT_EQUAL(l.tokens[4].kind, NAME);
    CU_ASSERT_EQUAL(l.tokens[5].kind, NUMBER);
    lexed_free(&l);
}

static void test_lexer_strings(void)
{
    const char *src = "\"data/train.csv\" \"a\\\"b\\\\c\\n\\td\" \"\" \"open";
    struct lexed l;
    lex(&l, src, strlen(src));
    CU_ASSERT_EQUAL(l.tokens[0].kind, STRING);
    CU_ASSERT_STRING_EQUAL(l.tokens[0].value.text, "data/train.csv");
    assert_loc(l.tokens[0].loc, 1, 1, 16);                      /* the quotes are part of the span */
    CU_ASSERT_EQUAL(l.tokens[1].kind, STRING);
    CU_ASSERT_STRING_EQUAL(l.tokens[1].value.text, "a\"b\\c\n\td");
    CU_ASSERT_EQUAL(l.tokens[2].kind, STRING);
    CU_ASSERT_STRING_EQUAL(l.tokens[2].value.text, "");
    CU_ASSERT_EQUAL(l.tokens[3].kind, UNTERMINATED_STRING);
    lexed_free(&l);
}

static void test_lexer_invalid_bytes(void)
{
    static const char src[] = "a\001b\xe9" "c\0d;";
    struct lexed l;
    lex(&l, src, sizeof src - 1);
    static const int expected[] = { NAME, INVALID, NAME, INVALID, NAME, INVALID, NAME, INVALID, NL, YYEOF };
    CU_ASSERT_EQUAL(l.n, 10);
    for (int i = 0; i < 10 && i < l.n; i++)
        CU_ASSERT_EQUAL(l.tokens[i].kind, expected[i]);
    assert_loc(l.tokens[5].loc, 1, 6, 6);                       /* the NUL byte, located */
    CU_ASSERT_EQUAL(l.state.bad_byte, ';');
    lexed_free(&l);
}

static void test_lexer_end_of_file(void)
{
    /* A last line without its newline still ends with an end of line, placed after it. */
    struct lexed l;
    lex(&l, "epochs 30", 9);
    CU_ASSERT_EQUAL(l.n, 4);
    CU_ASSERT_EQUAL(l.tokens[2].kind, NL);
    assert_loc(l.tokens[2].loc, 1, 10, 10);
    CU_ASSERT_EQUAL(l.tokens[3].kind, YYEOF);
    lexed_free(&l);
    lex(&l, "", 0);
    CU_ASSERT_EQUAL(l.n, 1);
    CU_ASSERT_EQUAL(l.tokens[0].kind, YYEOF);
    lexed_free(&l);
}

/* ---- the parser ---- */

static int parse(const char *src, struct syntax *tree, struct capture *c)
{
    capture_begin(c, src, strlen(src));
    int errors = parse_source(&c->d, src, strlen(src), tree);
    capture_end(c);
    return errors;
}

static int count_statements(const struct syntax *t)
{
    int n = 0;
    for (const struct statement *s = t->first; s; s = s->next)
        n++;
    return n;
}

static void test_parser_sample_tree(void)
{
    char *src = sample("mnist.net");
    struct syntax tree;
    struct capture c;
    CU_ASSERT_EQUAL(parse(src, &tree, &c), 0);
    CU_ASSERT_EQUAL(c.len, 0);
    static const enum statement_kind kinds[] = { STMT_NETWORK, STMT_INPUT, STMT_DENSE, STMT_DENSE,
                                                 STMT_DENSE, STMT_TRAIN };
    CU_ASSERT_EQUAL(count_statements(&tree), 6);
    const struct statement *s = tree.first;
    for (int i = 0; i < 6 && s; i++, s = s->next)
        CU_ASSERT_EQUAL(s->kind, kinds[i]);
    s = tree.first;
    CU_ASSERT_STRING_EQUAL(s->name, "mnist");
    CU_ASSERT_EQUAL(s->loc.first_line, 3);
    CU_ASSERT_EQUAL(s->name_loc.first_column, 9);
    s = s->next;
    CU_ASSERT_EQUAL(s->rank, 1);
    CU_ASSERT_DOUBLE_EQUAL(s->dims[0], 784, 0);
    s = s->next;
    CU_ASSERT_DOUBLE_EQUAL(s->size.number, 16, 0);
    CU_ASSERT_EQUAL(s->activation.kind, VALUE_NAME);
    CU_ASSERT_STRING_EQUAL(s->activation.text, "sigmoid");
    CU_ASSERT_PTR_NULL(s->name);
    const struct statement *train = tree.last;
    static const char *const keys[] = { "loss", "optimizer", "learning_rate", "batch", "epochs", "init", "seed" };
    int i = 0;
    for (const struct setting *set = train->settings; set; set = set->next, i++)
        if (i < 7)
            CU_ASSERT_STRING_EQUAL(set->key, keys[i]);
    CU_ASSERT_EQUAL(i, 7);
    const struct setting *lr = train->settings->next->next;
    CU_ASSERT_EQUAL(lr->value.kind, VALUE_NUMBER);
    CU_ASSERT_DOUBLE_EQUAL(lr->value.number, 3.0, 0);
    CU_ASSERT_EQUAL(lr->key_loc.first_line, 13);
    CU_ASSERT_EQUAL(lr->value.loc.first_column, 19);
    syntax_free(&tree);
    free(c.text);
    free(src);
}

static void test_parser_call_arguments(void)
{
    const char *src = "train {\n  optimizer adam(0.8, beta2 = 0.99, epsilon = 1e-7)\n  init he()\n"
                      "  schedule step(\"x\", gamma = y)\n}\n";
    struct syntax tree;
    struct capture c;
    CU_ASSERT_EQUAL_FATAL(parse(src, &tree, &c), 0);
    const struct setting *opt = tree.first->settings;
    CU_ASSERT_EQUAL(opt->value.kind, VALUE_CALL);
    CU_ASSERT_STRING_EQUAL(opt->value.text, "adam");
    CU_ASSERT_EQUAL(opt->value.nargs, 3);
    const struct arg *a = opt->value.args;
    CU_ASSERT_PTR_NULL(a->key);                                 /* positional, in order */
    CU_ASSERT_DOUBLE_EQUAL(a->value.number, 0.8, 1e-12);
    a = a->next;
    CU_ASSERT_STRING_EQUAL(a->key, "beta2");
    CU_ASSERT_DOUBLE_EQUAL(a->value.number, 0.99, 1e-12);
    CU_ASSERT_EQUAL(a->key_loc.first_column, 23);
    a = a->next;
    CU_ASSERT_STRING_EQUAL(a->key, "epsilon");
    CU_ASSERT_PTR_NULL(a->next);
    /* The call's span runs from the name to the ')'. */
    CU_ASSERT_EQUAL(opt->value.loc.first_column, 13);
    CU_ASSERT_EQUAL(opt->value.loc.last_column, 51);
    const struct setting *init = opt->next;
    CU_ASSERT_EQUAL(init->value.kind, VALUE_CALL);
    CU_ASSERT_EQUAL(init->value.nargs, 0);
    const struct setting *sched = init->next;
    CU_ASSERT_EQUAL(sched->value.args->value.kind, VALUE_STRING);
    CU_ASSERT_EQUAL(sched->value.args->next->value.kind, VALUE_NAME);
    syntax_free(&tree);
    free(c.text);
}

static void test_parser_layer_names_and_blank_lines(void)
{
    const char *src = "# a comment\n\n\ndense 16 leaky_relu(alpha = 0.2) as hidden\n\ntrain\n\n{\n\n  epochs 3\n\n}\n";
    struct syntax tree;
    struct capture c;
    CU_ASSERT_EQUAL_FATAL(parse(src, &tree, &c), 0);
    const struct statement *s = tree.first;
    CU_ASSERT_EQUAL(s->kind, STMT_DENSE);
    CU_ASSERT_STRING_EQUAL(s->name, "hidden");
    CU_ASSERT_EQUAL(s->loc.first_line, 4);
    CU_ASSERT_EQUAL(s->activation.kind, VALUE_CALL);
    CU_ASSERT_STRING_EQUAL(s->activation.args->key, "alpha");
    CU_ASSERT_EQUAL(tree.last->kind, STMT_TRAIN);
    CU_ASSERT_STRING_EQUAL(tree.last->settings->key, "epochs");
    syntax_free(&tree);
    free(c.text);
}

static void test_parser_recovery(void)
{
    /* Three syntax errors on three lines; the good lines around them still parse. */
    const char *src = "network mnist\ninput 784 )\ndense 16 sigmoid\nlayer 10\n"
                      "train {\n  loss mse mse\n  epochs 30\n}\ndense 10 softmax\n";
    struct syntax tree;
    struct capture c;
    CU_ASSERT_EQUAL(parse(src, &tree, &c), 3);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.text, "t.net:2:11: error: unexpected ')'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(c.text, "t.net:4:1: error: unexpected name 'layer'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(c.text, "t.net:6:12: error: unexpected name 'mse'"));
    /* network, input (complete before its stray ')'), dense, train, dense */
    CU_ASSERT_EQUAL_FATAL(count_statements(&tree), 5);
    CU_ASSERT_EQUAL(tree.last->kind, STMT_DENSE);
    const struct statement *train = tree.first->next->next->next;
    CU_ASSERT_EQUAL_FATAL(train->kind, STMT_TRAIN);
    /* The broken setting was left out; the one after it was kept. */
    CU_ASSERT_STRING_EQUAL(train->settings->key, "epochs");
    CU_ASSERT_PTR_NULL(train->settings->next);
    syntax_free(&tree);
    free(c.text);
}

static void test_parser_error_productions(void)
{
    /* Mistakes with their own message: each is one error, and the setting is kept. */
    const char *src = "train {\n  epochs = 3\n  batch: 4\n  seed\n}\n";
    struct syntax tree;
    struct capture c;
    CU_ASSERT_EQUAL(parse(src, &tree, &c), 3);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.text, "t.net:2:10: error: unexpected '='"));
    CU_ASSERT_PTR_NOT_NULL(strstr(c.text, "t.net:3:8: error: unexpected ':'"));
    CU_ASSERT_PTR_NOT_NULL(strstr(c.text, "t.net:4:3: error: 'seed' has no value"));
    const struct setting *s = tree.first->settings;
    CU_ASSERT_STRING_EQUAL(s->key, "epochs");
    CU_ASSERT_STRING_EQUAL(s->next->key, "batch");
    CU_ASSERT_PTR_NULL(s->next->next);
    syntax_free(&tree);
    free(c.text);
}

static void test_parser_deep_nesting(void)
{
    /* Parentheses do not nest in this grammar: deep nesting is one error, no recursion. */
    enum { DEPTH = 100000 };
    char *src = malloc(DEPTH + 32);
    CU_ASSERT_PTR_NOT_NULL_FATAL(src);
    strcpy(src, "dense 1 ");
    memset(src + 8, '(', DEPTH);
    strcpy(src + 8 + DEPTH, "\n");
    struct syntax tree;
    struct capture c;
    CU_ASSERT_EQUAL(parse(src, &tree, &c), 1);
    syntax_free(&tree);
    free(c.text);
    free(src);
}

/* ---- the checker ---- */

static void test_checker_mnist(void)
{
    char *src = sample("mnist.net");
    struct network n;
    struct capture c;
    CU_ASSERT_EQUAL_FATAL(front_end(src, &n, &c), 0);
    CU_ASSERT_EQUAL(c.d.warnings, 0);
    CU_ASSERT_STRING_EQUAL(n.name, "mnist");
    CU_ASSERT_EQUAL(n.input_size, 784);
    CU_ASSERT_EQUAL(n.input_rank, 1);
    CU_ASSERT_EQUAL(n.input_shape[0], 784);
    CU_ASSERT_EQUAL_FATAL(n.nlayers, 3);
    static const int in[] = { 784, 16, 16 }, out[] = { 16, 16, 10 };
    static const char *const names[] = { "dense1", "dense2", "dense3" };
    for (int i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(n.layers[i].in, in[i]);
        CU_ASSERT_EQUAL(n.layers[i].out, out[i]);
        CU_ASSERT_EQUAL(n.layers[i].act, ACT_SIGMOID);
        CU_ASSERT_EQUAL(n.layers[i].init.kind, INIT_XAVIER);
        CU_ASSERT_STRING_EQUAL(n.layers[i].name, names[i]);
        CU_ASSERT_EQUAL(n.layers[i].line, 6 + i);
    }
    CU_ASSERT_EQUAL(n.loss, LOSS_MSE);
    CU_ASSERT_EQUAL(n.opt.kind, OPT_SGD);
    CU_ASSERT_DOUBLE_EQUAL(n.opt.momentum, 0, 0);
    CU_ASSERT_EQUAL(n.opt.nesterov, 0);
    CU_ASSERT_DOUBLE_EQUAL(n.opt.dampening, 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(n.learning_rate, 3.0, 0);
    CU_ASSERT_EQUAL(n.sched.kind, SCHED_CONSTANT);
    CU_ASSERT_DOUBLE_EQUAL(n.weight_decay, 0, 0);
    CU_ASSERT_EQUAL(n.batch, 10);
    CU_ASSERT_EQUAL(n.epochs, 30);
    CU_ASSERT_EQUAL(n.seed, 1);
    CU_ASSERT_EQUAL(n.data.format, DATA_NONE);
    CU_ASSERT_EQUAL(n.data.targets, TARGETS_ONE_HOT);
    CU_ASSERT_EQUAL(network_param_count(&n), 13002);
    network_free(&n);
    free(c.text);
    free(src);
}

static void test_checker_mnist_relu(void)
{
    char *src = sample("mnist_relu.net");
    struct network n;
    struct capture c;
    CU_ASSERT_EQUAL_FATAL(front_end(src, &n, &c), 0);
    CU_ASSERT_EQUAL(c.len, 0);
    CU_ASSERT_STRING_EQUAL(n.name, "mnist_relu");
    CU_ASSERT_EQUAL(n.input_rank, 2);
    CU_ASSERT_EQUAL(n.input_shape[0], 28);
    CU_ASSERT_EQUAL(n.input_shape[1], 28);
    CU_ASSERT_EQUAL(n.input_size, 784);
    CU_ASSERT_EQUAL_FATAL(n.nlayers, 3);
    CU_ASSERT_EQUAL(n.layers[0].out, 128);
    CU_ASSERT_EQUAL(n.layers[1].in, 128);
    CU_ASSERT_EQUAL(n.layers[1].out, 64);
    CU_ASSERT_EQUAL(n.layers[2].act, ACT_SOFTMAX);
    for (int i = 0; i < 3; i++)
        CU_ASSERT_EQUAL(n.layers[i].init.kind, INIT_HE);    /* given, even for the softmax layer */
    CU_ASSERT_EQUAL(n.loss, LOSS_CROSS_ENTROPY);
    CU_ASSERT_EQUAL(n.opt.kind, OPT_ADAM);
    CU_ASSERT_DOUBLE_EQUAL(n.opt.beta1, 0.9, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(n.opt.beta2, 0.999, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(n.opt.epsilon, 1e-8, 1e-20);         /* the default */
    CU_ASSERT_DOUBLE_EQUAL(n.learning_rate, 0.001, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(n.weight_decay, 0.0001, 1e-15);
    CU_ASSERT_EQUAL(n.batch, 32);
    CU_ASSERT_EQUAL(n.epochs, 10);
    CU_ASSERT_EQUAL(n.seed, 7);
    CU_ASSERT_EQUAL(network_param_count(&n), 109386);
    network_free(&n);
    free(c.text);
    free(src);
}

#define HEAD "network t\ninput 4\n"
#define TRAIN_MIN "train {\n  loss mse\n  learning_rate 0.1\n}\n"

static void test_checker_defaults(void)
{
    struct network n;
    struct capture c;
    CU_ASSERT_EQUAL_FATAL(front_end(HEAD "dense 8 relu\ndense 8 leaky_relu\ndense 8 tanh\ndense 3 sigmoid\n"
                                    TRAIN_MIN, &n, &c), 0);
    /* relu and leaky_relu get He, the rest Xavier. */
    CU_ASSERT_EQUAL(n.layers[0].init.kind, INIT_HE);
    CU_ASSERT_EQUAL(n.layers[1].init.kind, INIT_HE);
    CU_ASSERT_DOUBLE_EQUAL(n.layers[1].alpha, 0.01, 1e-15);
    CU_ASSERT_EQUAL(n.layers[2].init.kind, INIT_XAVIER);
    CU_ASSERT_EQUAL(n.layers[3].init.kind, INIT_XAVIER);
    CU_ASSERT_EQUAL(n.opt.kind, OPT_SGD);
    CU_ASSERT_EQUAL(n.sched.kind, SCHED_CONSTANT);
    CU_ASSERT_EQUAL(n.batch, 32);
    CU_ASSERT_EQUAL(n.epochs, 10);
    CU_ASSERT_EQUAL(n.seed, 1);
    CU_ASSERT_DOUBLE_EQUAL(n.weight_decay, 0, 0);
    CU_ASSERT_EQUAL(n.data.format, DATA_NONE);
    network_free(&n);
    free(c.text);
}

static void test_checker_optimizer_params(void)
{
    struct network n;
    struct capture c;
    CU_ASSERT_EQUAL_FATAL(front_end(HEAD "dense 2 softmax\ntrain {\n  loss cross_entropy\n  learning_rate 1e-2\n"
                                    "  optimizer sgd(0.9, nesterov = true)\n}\n", &n, &c), 0);
    CU_ASSERT_DOUBLE_EQUAL(n.opt.momentum, 0.9, 1e-15);
    CU_ASSERT_EQUAL(n.opt.nesterov, 1);
    CU_ASSERT_DOUBLE_EQUAL(n.opt.dampening, 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(n.learning_rate, 0.01, 1e-15);
    network_free(&n);
    free(c.text);
    CU_ASSERT_EQUAL_FATAL(front_end(HEAD "dense 2 softmax\ntrain {\n  loss cross_entropy\n  learning_rate 1\n"
                                    "  optimizer adam(epsilon = 1e-6, beta2 = 0.99)\n}\n", &n, &c), 0);
    CU_ASSERT_EQUAL(n.opt.kind, OPT_ADAM);
    CU_ASSERT_DOUBLE_EQUAL(n.opt.beta1, 0.9, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(n.opt.beta2, 0.99, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(n.opt.epsilon, 1e-6, 1e-20);
    network_free(&n);
    free(c.text);
}

static void test_checker_schedules_and_init(void)
{
    static const struct {
        const char *schedule;
        enum schedule kind;
        int step_size;
        double gamma, min_lr;
    } cases[] = {
        { "constant", SCHED_CONSTANT, 0, 0, 0 },
        { "step(5)", SCHED_STEP, 5, 0.1, 0 },
        { "step(step_size = 3, gamma = 0.5)", SCHED_STEP, 3, 0.5, 0 },
        { "cosine", SCHED_COSINE, 0, 0, 0 },
        { "cosine(min_lr = 1e-4)", SCHED_COSINE, 0, 0, 1e-4 },
        { "exponential(0.95)", SCHED_EXPONENTIAL, 0, 0.95, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char src[512];
        snprintf(src, sizeof src, HEAD "dense 1 sigmoid\ntrain {\n  loss mse\n  learning_rate 0.1\n"
                 "  schedule %s\n  init uniform(-0.5, b = 0.25)\n}\n", cases[i].schedule);
        struct network n;
        struct capture c;
        CU_ASSERT_EQUAL(front_end(src, &n, &c), 0);
        CU_ASSERT_EQUAL(n.sched.kind, cases[i].kind);
        CU_ASSERT_EQUAL(n.sched.step_size, cases[i].step_size);
        CU_ASSERT_DOUBLE_EQUAL(n.sched.gamma, cases[i].gamma, 1e-15);
        CU_ASSERT_DOUBLE_EQUAL(n.sched.min_lr, cases[i].min_lr, 1e-15);
        CU_ASSERT_EQUAL(n.layers[0].init.kind, INIT_UNIFORM);
        CU_ASSERT_DOUBLE_EQUAL(n.layers[0].init.a, -0.5, 0);
        CU_ASSERT_DOUBLE_EQUAL(n.layers[0].init.b, 0.25, 0);
        network_free(&n);
        free(c.text);
    }
}

static void test_checker_data_block(void)
{
    struct network n;
    struct capture c;
    CU_ASSERT_EQUAL_FATAL(front_end(HEAD "dense 10 softmax\ntrain {\n  loss cross_entropy\n  learning_rate 0.1\n}\n"
                                    "data {\n  train_images \"a\"\n  train_labels \"b\"\n}\n", &n, &c), 0);
    CU_ASSERT_EQUAL(n.data.format, DATA_IDX);
    CU_ASSERT_STRING_EQUAL(n.data.train_images, "a");
    CU_ASSERT_STRING_EQUAL(n.data.train_labels, "b");
    CU_ASSERT_PTR_NULL(n.data.test_images);
    CU_ASSERT_EQUAL(n.data.scale, SCALE_UNIT);
    CU_ASSERT_EQUAL(n.data.targets, TARGETS_ONE_HOT);
    network_free(&n);
    free(c.text);
    CU_ASSERT_EQUAL_FATAL(front_end(HEAD "dense 1 sigmoid\n" TRAIN_MIN "data {\n  train_csv \"t.csv\"\n"
                                    "  test_csv \"v.csv\"\n}\n", &n, &c), 0);
    CU_ASSERT_EQUAL(n.data.format, DATA_CSV);
    CU_ASSERT_STRING_EQUAL(n.data.train_csv, "t.csv");
    CU_ASSERT_STRING_EQUAL(n.data.test_csv, "v.csv");
    CU_ASSERT_EQUAL(n.data.scale, SCALE_NONE);
    CU_ASSERT_EQUAL(n.data.header, 0);
    CU_ASSERT_EQUAL(n.data.label_column, LABEL_LAST);
    CU_ASSERT_EQUAL(n.data.targets, TARGETS_VALUE);             /* one output: the label itself */
    network_free(&n);
    free(c.text);
    CU_ASSERT_EQUAL_FATAL(front_end(HEAD "dense 3 softmax\ntrain {\n  loss cross_entropy\n  learning_rate 0.1\n}\n"
                                    "data {\n  train_csv \"t.csv\"\n  label_column 2\n  header true\n"
                                    "  scale standardize\n  targets one_hot\n}\n", &n, &c), 0);
    CU_ASSERT_EQUAL(n.data.label_column, LABEL_INDEX);
    CU_ASSERT_EQUAL(n.data.label_index, 2);
    CU_ASSERT_EQUAL(n.data.header, 1);
    CU_ASSERT_EQUAL(n.data.scale, SCALE_STANDARDIZE);
    CU_ASSERT_EQUAL(n.data.targets, TARGETS_ONE_HOT);
    network_free(&n);
    free(c.text);
}

/* classes { ... }: the names in order (escapes read, blanks kept), over several lines;
 * a single output takes two; without the statement, none. */
static void test_checker_class_names(void)
{
    static const char *const names[] = { "T-shirt/top", "Ankle boot", "say \"hi\"" };
    struct network n;
    struct capture c;
    CU_ASSERT_EQUAL_FATAL(front_end(HEAD "dense 3 sigmoid\nclasses {\n  \"T-shirt/top\"\n"
                                    "  \"Ankle boot\" \"say \\\"hi\\\"\" }\n" TRAIN_MIN, &n, &c), 0);
    CU_ASSERT_EQUAL_FATAL(n.nclasses, 3);
    for (int i = 0; i < 3; i++)
        CU_ASSERT_STRING_EQUAL(n.class_names[i], names[i]);
    network_free(&n);
    free(c.text);
    CU_ASSERT_EQUAL_FATAL(front_end(HEAD "dense 1 sigmoid\nclasses { \"ham\" \"spam\" }\n" TRAIN_MIN,
                                    &n, &c), 0);
    CU_ASSERT_EQUAL(n.nclasses, 2);
    network_free(&n);
    free(c.text);
    CU_ASSERT_EQUAL_FATAL(front_end(HEAD "dense 3 sigmoid\n" TRAIN_MIN, &n, &c), 0);
    CU_ASSERT_EQUAL(n.nclasses, 0);
    CU_ASSERT_PTR_NULL(n.class_names);
    network_free(&n);
    free(c.text);
}

static void test_checker_errors_and_warnings(void)
{
    struct network n;
    struct capture c;
    /* cross_entropy over sigmoid outputs: a warning, not an error. */
    CU_ASSERT_EQUAL(front_end(HEAD "dense 3 sigmoid\ntrain {\n  loss cross_entropy\n  learning_rate 0.1\n}\n",
                              &n, &c), 0);
    CU_ASSERT_EQUAL(c.d.warnings, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.text, "t.net:5:8: warning: cross_entropy with sigmoid outputs"));
    network_free(&n);
    free(c.text);
    /* A misspelt key is reported once: not also as a missing learning_rate. */
    CU_ASSERT_EQUAL(front_end(HEAD "dense 3 sigmoid\ntrain {\n  loss mse\n  learning_rte 0.1\n}\n", &n, &c), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.text, "hint: did you mean 'learning_rate'?"));
    network_free(&n);
    free(c.text);
    /* An unknown activation does not make the loss check guess at the output. */
    CU_ASSERT_EQUAL(front_end(HEAD "dense 3 softmx\ntrain {\n  loss cross_entropy\n  learning_rate 0.1\n}\n",
                              &n, &c), 1);
    CU_ASSERT_EQUAL(c.d.warnings, 0);
    network_free(&n);
    free(c.text);
    /* -Werror: the warning counts as an error. */
    const char *src = HEAD "dense 1 softmax\n" TRAIN_MIN;
    capture_begin(&c, src, strlen(src));
    c.d.warnings_are_errors = 1;
    struct syntax tree;
    parse_source(&c.d, src, strlen(src), &tree);
    CU_ASSERT(check_network(&c.d, &tree, CHECK_FOR_TRAINER, &n) >= 1);
    syntax_free(&tree);
    capture_end(&c);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.text, "error: softmax over a single output"));
    network_free(&n);
    free(c.text);
}

/* The train block: required for a trainer, optional for the forward pass alone. */
static void test_checker_train_optional(void)
{
    struct network n;
    struct capture c;
    const char *forward = HEAD "dense 3 relu\ndense 2 softmax\n";
    CU_ASSERT_EQUAL(front_end(forward, &n, &c), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.text, "error: no 'train { ... }' block after the last layer"));
    network_free(&n);
    free(c.text);
    CU_ASSERT_EQUAL(front_end_for(CHECK_FOR_FORWARD, forward, &n, &c), 0);
    CU_ASSERT_EQUAL(c.len, 0);
    CU_ASSERT_EQUAL(n.has_train, 0);
    CU_ASSERT_EQUAL(n.nlayers, 2);
    CU_ASSERT_EQUAL(n.layers[1].act, ACT_SOFTMAX);
    network_free(&n);
    free(c.text);
    /* A train block that is there is still checked in full. */
    CU_ASSERT_EQUAL(front_end_for(CHECK_FOR_FORWARD, HEAD "dense 2 softmax\ntrain {\n  loss mse\n"
                                  "  learning_rate 0.1\n}\n", &n, &c), 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.text, "softmax outputs need the cross_entropy loss"));
    network_free(&n);
    free(c.text);
    CU_ASSERT_EQUAL(front_end_for(CHECK_FOR_FORWARD, HEAD "dense 2 sigmoid\n" TRAIN_MIN, &n, &c), 0);
    CU_ASSERT_EQUAL(n.has_train, 1);
    network_free(&n);
    free(c.text);
}

static void test_checker_limits(void)
{
    struct network n;
    struct capture c;
    char src[4096];
    /* 64 layers are fine, 65 are one too many, and 70 are reported once. */
    for (int layers = 64; layers <= 70; layers += layers == 64 ? 1 : 5) {
        strcpy(src, HEAD);
        for (int i = 0; i < layers; i++)
            strcat(src, "dense 2 tanh\n");
        strcat(src, TRAIN_MIN);
        CU_ASSERT_EQUAL(front_end(src, &n, &c), layers == 64 ? 0 : 1);
        CU_ASSERT_EQUAL(n.nlayers, 64);
        network_free(&n);
        free(c.text);
    }
    CU_ASSERT_EQUAL(front_end("network t\ninput 1048576\ndense 1 sigmoid\n" TRAIN_MIN, &n, &c), 0);
    network_free(&n);
    free(c.text);
    CU_ASSERT_EQUAL(front_end("network t\ninput 1048577\ndense 1 sigmoid\n" TRAIN_MIN, &n, &c), 1);
    network_free(&n);
    free(c.text);
}

static void test_diag_closest_and_cap(void)
{
    static const char *const acts[] = { "sigmoid", "relu", "leaky_relu", "tanh", "linear", "softmax" };
    CU_ASSERT_STRING_EQUAL(diag_closest("sigmod", acts, 6), "sigmoid");
    CU_ASSERT_STRING_EQUAL(diag_closest("Softmax", acts, 6), "softmax");
    CU_ASSERT_STRING_EQUAL(diag_closest("leaky_rel", acts, 6), "leaky_relu");
    CU_ASSERT_PTR_NULL(diag_closest("swish", acts, 6));
    CU_ASSERT_PTR_NULL(diag_closest("x", acts, 6));

    const char *src = "a\n";
    struct capture c;
    capture_begin(&c, src, 2);
    struct loc at = { 1, 1, 1, 1 };
    for (int i = 0; i < 25; i++) {
        diag_error(&c.d, at, "error %d", i);
        diag_hint(&c.d, "hint %d", i);
    }
    capture_end(&c);
    CU_ASSERT_EQUAL(c.d.errors, 25);
    CU_ASSERT_PTR_NOT_NULL(strstr(c.text, "error 19\n"));
    CU_ASSERT_PTR_NULL(strstr(c.text, "error 20"));
    CU_ASSERT_PTR_NULL(strstr(c.text, "hint 20"));
    const char *note = strstr(c.text, "note: too many errors");
    CU_ASSERT_PTR_NOT_NULL(note);
    CU_ASSERT_PTR_NULL(note ? strstr(note + 10, "too many errors") : NULL);     /* said once */
    free(c.text);
}

static void test_diag_caret(void)
{
    const char *src = "network t\n\tdense  16 sigmod\r\n";
    struct capture c;
    capture_begin(&c, src, strlen(src));
    struct loc at = { 2, 11, 2, 16 };
    diag_error(&c.d, at, "unknown activation '%s'", "sigmod");
    capture_end(&c);
    CU_ASSERT_STRING_EQUAL(c.text, "t.net:2:11: error: unknown activation 'sigmod'\n"
                                   "    2 | \tdense  16 sigmod\n"
                                   "      | \t         ^~~~~~\n");
    free(c.text);
}

/* ---- the summary ---- */

static void test_summary_layer_figures(void)
{
    struct layer l = { .in = 784, .out = 16 };
    struct layer_figures f = summary_layer(&l);
    CU_ASSERT_EQUAL(f.params, 784 * 16 + 16);                   /* 12,560 */
    CU_ASSERT_EQUAL(f.mult_adds, 784 * 16);                     /* 12,544 */
    struct optimizer_spec sgd = { .kind = OPT_SGD }, momentum = { .kind = OPT_SGD, .momentum = 0.9 },
                          adam = { .kind = OPT_ADAM };
    CU_ASSERT_EQUAL(summary_optimizer_slots(&sgd), 0);
    CU_ASSERT_EQUAL(summary_optimizer_slots(&momentum), 1);
    CU_ASSERT_EQUAL(summary_optimizer_slots(&adam), 2);
}

static char *summary_of(const char *sample_name)
{
    char *src = sample(sample_name);
    struct network n;
    struct capture c;
    CU_ASSERT_EQUAL(front_end(src, &n, &c), 0);
    free(c.text);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    summary_print(out, &n);
    fclose(out);
    network_free(&n);
    free(src);
    return text;
}

static void test_summary_mnist(void)
{
    char *s = summary_of("mnist.net");
    /* 784·16+16 = 12,560; 16·16+16 = 272; 16·10+10 = 170; 13,002 in all; 4 bytes each. */
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "network mnist: input 784 (784 values), 3 layers, mse loss, sgd\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "dense1       784 -> 16       sigmoid                  12,560         12,544     49.1 KiB\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "dense2       16 -> 16        sigmoid                     272            256      1.1 KiB\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "dense3       16 -> 10        sigmoid                     170            160        680 B\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "total                                                 13,002         12,960     50.8 KiB\n"));
    /* Batch 10: activations 4·10·(784+16+16+10) = 33,040 B, deltas 4·10·42 = 1,680 B,
     * plain sgd keeps no state: 2·52,008 + 33,040 + 1,680 = 138,736 B = 135.5 KiB. */
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "  weights                50.8 KiB  (13,002 floats)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "  optimizer state             0 B  (0 per weight, plain sgd keeps none)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "  activations            32.3 KiB"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "  activation grads        1.6 KiB"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "  total                 135.5 KiB\n"));
    free(s);
}

static void test_summary_mnist_relu(void)
{
    char *s = summary_of("mnist_relu.net");
    /* 784·128+128 = 100,480; 128·64+64 = 8,256; 64·10+10 = 650; 109,386 in all. */
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "network mnist_relu: input 28x28 (784 values), 3 layers, cross_entropy loss, adam\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "100,480        100,352"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "8,256          8,192"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "650            640"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "109,386        109,184    427.3 KiB\n"));
    /* Adam: two floats per parameter, 2·437,544 B = 854.6 KiB. */
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "optimizer state       854.6 KiB  (2 per weight, adam's m and v)\n"));
    free(s);
}

static void test_summary_cli(void)
{
    char *out = NULL, cmd[1024];
    snprintf(cmd, sizeof cmd, "%s --summary samples/mnist.net", test_netc());
    CU_ASSERT_EQUAL(test_run(cmd, &out), 0);
    CU_ASSERT_PTR_NOT_NULL(out ? strstr(out, "13,002") : NULL);
    free(out);
    /* Errors: exit 1, nothing on stdout. */
    snprintf(cmd, sizeof cmd, "%s --summary tests/diagnostics/activation_typo.net 2>/dev/null", test_netc());
    CU_ASSERT_EQUAL(test_run(cmd, &out), 1);
    CU_ASSERT_STRING_EQUAL(out ? out : "(null)", "");
    free(out);
}

/* ---- registration ---- */

struct test_case {
    const char *name;
    CU_TestFunc fn;
};

static void add_suite(const char *name, const struct test_case *cases)
{
    CU_pSuite suite = CU_add_suite(name, NULL, NULL);
    for (; cases->name; cases++)
        CU_add_test(suite, cases->name, cases->fn);
}

void lexer_register(void)
{
    static const struct test_case cases[] = {
        { "token kinds", test_lexer_token_kinds },
        { "keywords are whole words", test_lexer_keywords_are_whole_words },
        { "locations, tabs, comments", test_lexer_locations },
        { "CRLF line ends", test_lexer_crlf },
        { "numbers: signs, exponents", test_lexer_numbers },
        { "shapes", test_lexer_shapes },
        { "strings and escapes", test_lexer_strings },
        { "invalid bytes", test_lexer_invalid_bytes },
        { "end of file", test_lexer_end_of_file },
        { NULL, NULL },
    };
    add_suite("lexer", cases);
}

void parser_register(void)
{
    static const struct test_case cases[] = {
        { "tree of samples/mnist.net", test_parser_sample_tree },
        { "call arguments", test_parser_call_arguments },
        { "layer names, blank lines", test_parser_layer_names_and_blank_lines },
        { "recovery: several errors", test_parser_recovery },
        { "error productions", test_parser_error_productions },
        { "deep nesting", test_parser_deep_nesting },
        { NULL, NULL },
    };
    add_suite("parser", cases);
}

void checker_register(void)
{
    static const struct test_case cases[] = {
        { "samples/mnist.net resolved", test_checker_mnist },
        { "samples/mnist_relu.net resolved", test_checker_mnist_relu },
        { "defaults", test_checker_defaults },
        { "optimizer parameters", test_checker_optimizer_params },
        { "schedules and init", test_checker_schedules_and_init },
        { "data block", test_checker_data_block },
        { "class names", test_checker_class_names },
        { "errors and warnings", test_checker_errors_and_warnings },
        { "limits", test_checker_limits },
        { "train block optional for the forward pass", test_checker_train_optional },
        { "did-you-mean, error cap", test_diag_closest_and_cap },
        { "caret under a tab-indented span", test_diag_caret },
        { NULL, NULL },
    };
    add_suite("checker", cases);
}

void summary_register(void)
{
    static const struct test_case cases[] = {
        { "layer figures", test_summary_layer_figures },
        { "samples/mnist.net", test_summary_mnist },
        { "samples/mnist_relu.net", test_summary_mnist_relu },
        { "netc --summary", test_summary_cli },
        { NULL, NULL },
    };
    add_suite("summary", cases);
}

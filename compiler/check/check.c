/* check.c - gives the syntax tree its meaning: resolves defaults, rejects what cannot work.
 *
 * One pass over the statements fills `struct network`; a second looks at the whole
 * (layer order, loss against output, sizes).  Every message points at what the user
 * wrote and, where it helps, says what to write instead.
 */
#include "check/check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check/classes.h"
#include "check/shapes.h"
#include "front/settings.h"
#include "front/values.h"

/* ---- the vocabulary: index = enum value (network.h) ---- */

/* The words are netc_enums.h's; a word that takes arguments has its parameters here, by
 * its value's name (a value added to a list without them does not compile). */
#define CALLEE(prefix, NAME, word) { word, PARAMS_##prefix##NAME },
#define NO_PARAMS 0, { { 0 } }
#define PARAMS_ACT_SIGMOID NO_PARAMS
#define PARAMS_ACT_RELU NO_PARAMS
#define PARAMS_ACT_LEAKY_RELU 1, { { "alpha", PARAM_NUMBER, 0, 0.01 } }
#define PARAMS_ACT_TANH NO_PARAMS
#define PARAMS_ACT_LINEAR NO_PARAMS
#define PARAMS_ACT_SOFTMAX NO_PARAMS
#define PARAMS_OPT_SGD 3, { { "momentum", PARAM_NUMBER, 0, 0 }, { "nesterov", PARAM_BOOL, 0, 0 }, \
                            { "dampening", PARAM_NUMBER, 0, 0 } }
#define PARAMS_OPT_ADAM 3, { { "beta1", PARAM_NUMBER, 0, 0.9 }, { "beta2", PARAM_NUMBER, 0, 0.999 }, \
                             { "epsilon", PARAM_NUMBER, 0, 1e-8 } }
#define PARAMS_SCHED_CONSTANT NO_PARAMS
#define PARAMS_SCHED_STEP 2, { { "step_size", PARAM_INTEGER, 1, 0 }, { "gamma", PARAM_NUMBER, 0, 0.1 } }
#define PARAMS_SCHED_COSINE 1, { { "min_lr", PARAM_NUMBER, 0, 0 } }
#define PARAMS_SCHED_EXPONENTIAL 1, { { "gamma", PARAM_NUMBER, 1, 0 } }
#define PARAMS_SCHED_PLATEAU 5, { { "factor", PARAM_NUMBER, 0, 0.1 }, { "patience", PARAM_COUNT, 0, 10 }, \
                                  { "min_lr", PARAM_NUMBER, 0, 0 }, { "threshold", PARAM_NUMBER, 0, 1e-4 }, \
                                  { "cooldown", PARAM_COUNT, 0, 0 } }
#define PARAMS_INIT_UNIFORM 2, { { "a", PARAM_NUMBER, 1, 0 }, { "b", PARAM_NUMBER, 1, 0 } }
#define PARAMS_INIT_NORMAL 2, { { "mean", PARAM_NUMBER, 0, 0 }, { "std", PARAM_NUMBER, 1, 0 } }
#define PARAMS_INIT_XAVIER NO_PARAMS
#define PARAMS_INIT_HE NO_PARAMS

static const struct callee activations[] = { NETC_ACTIVATIONS(CALLEE, ACT_) };
static const struct callee optimizers[] = { NETC_OPTIMIZERS(CALLEE, OPT_) };
static const struct callee schedules[] = { NETC_SCHEDULES(CALLEE, SCHED_) };
static const struct callee inits[] = { NETC_INITS(CALLEE, INIT_) };
static const char *const losses[] = { NETC_LOSSES(NETC_WORD, ) };
/* formats[DATA_NONE] and label_columns[LABEL_INDEX] are NULL: no word says them */
static const char *const formats[] = { NETC_DATA_FORMATS(NETC_WORD, ) };
static const char *const label_columns[] = { NETC_LABEL_COLUMNS(NETC_WORD, ) };
static const char *const scalings[] = { NETC_SCALINGS(NETC_WORD, ) };
static const char *const target_kinds[] = { NETC_TARGET_KINDS(NETC_WORD, ) };

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- the checker's working state ---- */

struct checker {
    struct diag *d;
    struct network *net;
    const struct statement *network_stmt, *input_stmt, *train_stmt, *data_stmt, *classes_stmt;
    const struct statement *first_stmt;     /* where a missing 'network' line belongs */
    const struct statement *layer_stmts[NETC_MAX_LAYERS];
    const struct setting *train[NTRAIN];    /* each train setting, or NULL when not given */
    const struct setting *data[NDATA];
    /* Keys that an unknown key was probably meant to be ("learning_rte"): not reported
     * missing as well. */
    unsigned char misspelt_train[NTRAIN], misspelt_data[NDATA];
    int syntax_errors;          /* the parser dropped lines: nothing is reported missing */
    int train_optional;         /* CHECK_FOR_FORWARD: no train block is no error */
    int loss_given;             /* the loss was read: the output layer can be judged by it */
    int output_unknown;         /* the last layer's activation could not be read */
    int init_given;
};

static void duplicate(struct checker *c, struct loc again, struct loc first, const char *what)
{
    diag_error(c->d, again, "%s given twice", what);
    diag_note(c->d, first, "first given here");
}

/* A missing statement, pointed at the statement it should have come before or after (the
 * whole file when there is none). */
static void missing(struct checker *c, const struct statement *at, const char *what,
                    const char *where)
{
    if (at)
        diag_error(c->d, at->loc, "%s %s", what, where);
    else
        diag_file_error(c->d, "%s", what);
}

/* ---- names that become C identifiers ---- */

static int check_identifier(struct checker *c, const char *name, struct loc at, const char *what)
{
    size_t len = strlen(name);
    if (len > NETC_MAX_NAME) {
        diag_error(c->d, at, "%s is too long: %zu characters, at most %d", what, len, NETC_MAX_NAME);
        return -1;
    }
    if (strchr(name, '-')) {
        char fixed[NETC_MAX_NAME + 1];
        for (size_t i = 0; i <= len; i++)
            fixed[i] = name[i] == '-' ? '_' : name[i];
        diag_error(c->d, at, "%s '%s' contains '-'", what, name);
        diag_hint(c->d, "it names C symbols, so it must be a C identifier: try '%s'", fixed);
        return -1;
    }
    if (name[0] == '_' && (name[1] == '_' || (name[1] >= 'A' && name[1] <= 'Z'))) {
        diag_error(c->d, at, "%s '%s' is reserved in C (it starts with '__' or '_' and a capital)",
                   what, name);
        diag_hint(c->d, "such names belong to the C compiler and library; drop the leading underscores");
        return -1;
    }
    return 0;
}

static void check_network_name(struct checker *c, const struct statement *s)
{
    if (c->network_stmt) {
        duplicate(c, s->loc, c->network_stmt->loc, "'network'");
        return;
    }
    c->network_stmt = s;
    if (check_identifier(c, s->name, s->name_loc, "network name") < 0)
        return;
    if (strncmp(s->name, "netc", 4) == 0) {
        diag_error(c->d, s->name_loc, "network name '%s' starts with 'netc', the runtime's prefix", s->name);
        diag_hint(c->d, "generated symbols are NAME_...; pick a name that cannot clash with netc_...");
        return;
    }
    strcpy(c->net->name, s->name);
}

/* ---- input and layers ---- */

static void check_input(struct checker *c, const struct statement *s)
{
    if (c->input_stmt) {
        duplicate(c, s->loc, c->input_stmt->loc, "'input'");
        return;
    }
    c->input_stmt = s;
    if (c->net->nlayers > 0) {
        diag_error(c->d, s->loc, "'input' comes after the first layer");
        diag_hint(c->d, "declare the input before the layers it feeds");
    }
    if (s->rank > 3) {
        diag_error(c->d, s->dims_loc, "input has %d dimensions; at most 3 are supported (CxHxW)", s->rank);
        return;
    }
    double size = 1;
    for (int i = 0; i < s->rank; i++) {
        if (s->dims[i] < 1) {
            diag_error(c->d, s->dims_loc, "input size must be a whole number of at least 1");
            return;
        }
        size *= s->dims[i];
    }
    if (size > NETC_MAX_WIDTH) {
        diag_error(c->d, s->dims_loc, "input of %.0f values is larger than netc's limit of %d",
                   size, NETC_MAX_WIDTH);
        return;
    }
    c->net->input_rank = s->rank;
    for (int i = 0; i < s->rank; i++)
        c->net->input_shape[i] = (int)s->dims[i];
    c->net->input_size = (int)size;
}

/* The automatic name of layer index: its kind and its number among the layers of that
 * kind, "conv2" (the tensors of PyTorch's models are named so, e.g. conv1.weight). */
static void automatic_name(const struct network *n, int index, char *buf, size_t size)
{
    int count = 0;
    for (int i = 0; i <= index; i++)
        count += n->layers[i].kind == n->layers[index].kind;
    snprintf(buf, size, "%s%d", layer_kind_name(n->layers[index].kind), count);
}

static void check_layer_name(struct checker *c, const struct statement *s, struct layer *l, int index)
{
    if (!s->name) {
        automatic_name(c->net, index, l->name, sizeof l->name);
        return;
    }
    if (check_identifier(c, s->name, s->name_loc, "layer name") < 0)
        return;
    for (int i = 0; i < index; i++) {
        const struct statement *other = c->layer_stmts[i];
        if (other->name && strcmp(other->name, s->name) == 0) {
            duplicate(c, s->name_loc, other->name_loc, "layer name");
            return;
        }
    }
    strcpy(l->name, s->name);
}

/* A name given with 'as' that another, unnamed, layer gets automatically would put two
 * tensors of the same name in the weights file. */
static void check_automatic_names(struct checker *c)
{
    int count = c->net->nlayers < NETC_MAX_LAYERS ? c->net->nlayers : NETC_MAX_LAYERS;
    for (int i = 0; i < count; i++) {
        const struct statement *s = c->layer_stmts[i];
        for (int k = 0; s->name && k < count; k++) {
            char other[NETC_MAX_NAME + 1];
            automatic_name(c->net, k, other, sizeof other);
            if (k == i || c->layer_stmts[k]->name || strcmp(other, s->name) != 0)
                continue;
            diag_error(c->d, s->name_loc, "layer name '%s' is the automatic name of layer %d",
                       s->name, k + 1);
            diag_note(c->d, c->layer_stmts[k]->loc, "layer %d, unnamed, is called '%s'", k + 1,
                      s->name);
            diag_hint(c->d, "pick another name, or name layer %d with 'as'", k + 1);
        }
    }
}

/* The next layer's slot, or NULL past the limit (reported once). */
static struct layer *add_layer(struct checker *c, const struct statement *s, enum layer_kind kind)
{
    struct network *n = c->net;
    if (n->nlayers >= NETC_MAX_LAYERS) {     /* counted on, reported once */
        if (n->nlayers++ == NETC_MAX_LAYERS)
            diag_error(c->d, s->loc, "layer %d is one too many: netc allows at most %d layers",
                       NETC_MAX_LAYERS + 1, NETC_MAX_LAYERS);
        return NULL;
    }
    int index = n->nlayers++;
    c->layer_stmts[index] = s;
    struct layer *l = &n->layers[index];
    l->kind = kind;
    l->act = ACT_LINEAR;
    l->line = s->loc.first_line;
    return l;
}

static void read_activation(struct checker *c, const struct statement *s, struct layer *l)
{
    double args[MAX_PARAMS] = { 0 };   /* activations without parameters leave them 0 */
    int act = value_call(c->d, &s->activation, "activation", activations, COUNT(activations), args);
    if (act >= 0) {
        l->act = (enum activation)act;
        l->alpha = args[0];
    }
    c->output_unknown = act < 0;
}

static void check_dense(struct checker *c, const struct statement *s)
{
    struct layer *l = add_layer(c, s, LAYER_DENSE);
    if (!l)
        return;
    long long size = 0;
    if (value_integer(c->d, &s->size, "layer size", 1, NETC_MAX_WIDTH, &size) == 0)
        l->out = (int)size;
    read_activation(c, s, l);
    check_layer_name(c, s, l, c->net->nlayers - 1);
}

/* A kernel or window: "5x5", "3x1" (height x width). */
static int read_window(struct checker *c, const struct statement *s, struct layer *l)
{
    const char *what = l->kind == LAYER_CONV ? "kernel" : "window";
    if (s->rank != 2) {
        diag_error(c->d, s->dims_loc, "a %s has a height and a width, not %d dimensions", what,
                   s->rank);
        diag_hint(c->d, "write e.g. '%s', height x width", l->kind == LAYER_CONV ? "5x5" : "2x2");
        return -1;
    }
    for (int i = 0; i < 2; i++) {
        if (s->dims[i] < 1 || s->dims[i] > NETC_MAX_WIDTH) {
            diag_error(c->d, s->dims_loc, "a %s's sizes must be whole numbers from 1 to %d", what,
                       NETC_MAX_WIDTH);
            return -1;
        }
        l->kernel[i] = (int)s->dims[i];
    }
    return 0;
}

/* `stride N`, `padding N` after a conv or pool layer; pools have no padding. */
static void read_options(struct checker *c, const struct statement *s, struct layer *l)
{
    static const char *const conv_options[] = { "stride", "padding" };
    const int n_options = l->kind == LAYER_CONV ? 2 : 1;
    const struct arg *given[2] = { NULL, NULL };
    for (const struct arg *a = s->options; a; a = a->next) {
        int k = -1;
        for (int i = 0; i < n_options; i++)
            if (strcmp(a->key, conv_options[i]) == 0)
                k = i;
        if (k < 0) {
            diag_error(c->d, a->key_loc, "%s has no option '%.60s'", layer_kind_name(l->kind), a->key);
            const char *best = diag_closest(a->key, conv_options, n_options);
            if (best)
                diag_hint(c->d, "did you mean '%s'?", best);
            else if (l->kind != LAYER_CONV && strcmp(a->key, "padding") == 0)
                diag_hint(c->d, "netc's pooling layers do not pad (as PyTorch's by default)");
            else
                diag_hint(c->d, "%s", l->kind == LAYER_CONV ? "a conv layer takes 'stride N' and 'padding N'"
                                                            : "a pooling layer takes 'stride N'");
            continue;
        }
        if (given[k]) {
            char quoted[40];
            snprintf(quoted, sizeof quoted, "'%s'", conv_options[k]);
            duplicate(c, a->key_loc, given[k]->key_loc, quoted);
            continue;
        }
        given[k] = a;
        long long v = 0;
        if (value_integer(c->d, &a->value, conv_options[k], k == 0 ? 1 : 0, 1 << 16, &v) < 0)
            continue;
        if (k == 0)
            l->stride[0] = l->stride[1] = (int)v;
        else
            l->padding[0] = l->padding[1] = (int)v;
    }
}

static void check_conv(struct checker *c, const struct statement *s)
{
    struct layer *l = add_layer(c, s, LAYER_CONV);
    if (!l)
        return;
    long long filters = 0;
    if (value_integer(c->d, &s->size, "the number of filters", 1, NETC_MAX_WIDTH, &filters) == 0)
        l->units = (int)filters;
    l->stride[0] = l->stride[1] = 1;
    if (read_window(c, s, l) == 0)
        read_options(c, s, l);
    read_activation(c, s, l);
    if (l->act == ACT_SOFTMAX) {
        diag_error(c->d, s->activation.loc, "softmax on a conv layer");
        diag_hint(c->d, "softmax belongs to the output layer, a dense one: e.g. 'dense 10 softmax'");
    }
    check_layer_name(c, s, l, c->net->nlayers - 1);
}

static void check_pool(struct checker *c, const struct statement *s)
{
    struct layer *l = add_layer(c, s, s->kind == STMT_MAXPOOL ? LAYER_MAXPOOL : LAYER_AVGPOOL);
    if (!l)
        return;
    if (read_window(c, s, l) == 0) {
        l->stride[0] = l->kernel[0];
        l->stride[1] = l->kernel[1];
        read_options(c, s, l);
    }
    c->output_unknown = 0;
    check_layer_name(c, s, l, c->net->nlayers - 1);
}

static void check_dropout(struct checker *c, const struct statement *s)
{
    struct layer *l = add_layer(c, s, LAYER_DROPOUT);
    if (!l)
        return;
    double rate = 0;
    if (value_number(c->d, &s->size, "the dropout rate", &rate) == 0) {
        if (rate < 0 || rate >= 1) {
            diag_error(c->d, s->size.loc, "the dropout rate must be in [0, 1), not %.40s", s->size.text);
            diag_hint(c->d, "it is the probability of zeroing each activation while training, e.g. 'dropout 0.5'");
        }
        l->rate = rate;
    }
    c->output_unknown = 0;
    check_layer_name(c, s, l, c->net->nlayers - 1);
}

/* ---- blocks: each key once, known keys only ---- */

static void unknown_setting(struct checker *c, const struct setting *s, enum statement_kind block)
{
    int train = block == STMT_TRAIN;
    const char *const *keys = train ? train_keys : data_keys;
    int n = train ? NTRAIN : NDATA;
    unsigned char *misspelt = train ? c->misspelt_train : c->misspelt_data;
    diag_error(c->d, s->key_loc, "unknown %s setting '%.60s'", train ? "train" : "data", s->key);
    const char *best = diag_closest(s->key, keys, n);
    if (train && strcmp(s->key, "lr") == 0)
        best = keys[TRAIN_LEARNING_RATE];
    if (best) {
        misspelt[setting_index(block, best)] = 1;
        diag_hint(c->d, "did you mean '%s'?", best);
    } else if (setting_index(train ? STMT_DATA : STMT_TRAIN, s->key) >= 0) {
        diag_hint(c->d, "'%s' belongs in the %s block", s->key, train ? "data" : "train");
    } else {
        char all[300] = "";
        for (int i = 0; i < n; i++) {
            size_t used = strlen(all);
            snprintf(all + used, sizeof all - used, "%s%s", i ? ", " : "", keys[i]);
        }
        diag_hint(c->d, "the %s settings are %s", train ? "train" : "data", all);
    }
}

static void collect_block(struct checker *c, const struct statement *s,
                          const struct statement **seen, const struct setting **slots)
{
    const char *what = s->kind == STMT_TRAIN ? "'train' block" : "'data' block";
    if (*seen) {
        duplicate(c, s->loc, (*seen)->loc, what);
        return;
    }
    *seen = s;
    for (const struct setting *set = s->settings; set; set = set->next) {
        int k = setting_index(s->kind, set->key);
        if (k < 0) {
            unknown_setting(c, set, s->kind);
        } else if (slots[k]) {
            char quoted[80];
            snprintf(quoted, sizeof quoted, "'%s'", set->key);
            duplicate(c, set->key_loc, slots[k]->key_loc, quoted);
        } else {
            slots[k] = set;
        }
    }
}

/* ---- the train block: each setting read in the order written ---- */

/* The loss that fits the output layer, for examples in hints. */
static const char *suggested_loss(const struct checker *c)
{
    const struct network *n = c->net;
    if (n->nlayers == 0)
        return loss_name(LOSS_MSE);
    const struct layer *out = &n->layers[n->nlayers - 1];
    if (out->act == ACT_SOFTMAX)
        return loss_name(LOSS_CROSS_ENTROPY);
    return loss_name(out->act == ACT_SIGMOID && out->out == 1 ? LOSS_BINARY_CROSS_ENTROPY : LOSS_MSE);
}

static void missing_setting(struct checker *c, int key, const char *example)
{
    if (c->syntax_errors || c->misspelt_train[key])
        return;
    diag_error(c->d, c->train_stmt->loc, "the train block has no '%s'", train_keys[key]);
    diag_hint(c->d, "add a line such as '%s %s'", train_keys[key], example);
}

/* Where parameter `param` of call v (resolved against f) was written: its argument,
 * or the whole call when it was left to its default. */
static struct loc param_loc(const struct value *v, const struct callee *f, int param)
{
    int position = 0;
    for (const struct arg *a = v->kind == VALUE_CALL ? v->args : NULL; a; a = a->next) {
        int p = a->key ? -1 : position++;
        for (int q = 0; a->key && q < f->nparams; q++)
            if (strcmp(a->key, f->params[q].name) == 0)
                p = q;
        if (p == param)
            return a->value.loc;
    }
    return v->loc;
}

/* Parameter `param` of the call in s must lie in the interval (open or closed ends). */
static void check_range(struct checker *c, const struct setting *s, const struct callee *f, int param,
                        double v, double lo, double hi, int lo_open, int hi_open)
{
    int below = lo_open ? v <= lo : v < lo;
    int above = hi_open ? v >= hi : v > hi;
    if (below || above)
        diag_error(c->d, param_loc(&s->value, f, param), "%s's %s must be in %c%g, %g%c, not %g",
                   f->name, f->params[param].name, lo_open ? '(' : '[', lo, hi, hi_open ? ')' : ']', v);
}

static void read_loss(struct checker *c, const struct setting *s)
{
    int k = value_choice(c->d, &s->value, "loss", losses, COUNT(losses));
    if (k >= 0) {
        c->net->loss = (enum loss)k;
        c->loss_given = 1;
    }
}

static void read_optimizer(struct checker *c, const struct setting *s)
{
    struct optimizer_spec *o = &c->net->opt;
    double a[MAX_PARAMS];
    int k = value_call(c->d, &s->value, "optimizer", optimizers, COUNT(optimizers), a);
    if (k < 0)
        return;
    o->kind = (enum optimizer)k;
    if (o->kind == OPT_SGD) {
        o->momentum = a[0];
        o->nesterov = (int)a[1];
        o->dampening = a[2];
        check_range(c, s, &optimizers[k], 0, o->momentum, 0, 1, 0, 1);
        check_range(c, s, &optimizers[k], 2, o->dampening, 0, 1, 0, 0);
        if (o->nesterov && (o->momentum <= 0 || o->dampening != 0)) {
            diag_error(c->d, s->value.loc, "nesterov needs a momentum above 0 and no dampening");
            diag_hint(c->d, "write e.g. 'sgd(momentum = 0.9, nesterov = true)'");
        }
    } else {
        o->beta1 = a[0];
        o->beta2 = a[1];
        o->epsilon = a[2];
        check_range(c, s, &optimizers[k], 0, o->beta1, 0, 1, 0, 1);
        check_range(c, s, &optimizers[k], 1, o->beta2, 0, 1, 0, 1);
        if (o->epsilon <= 0)
            diag_error(c->d, param_loc(&s->value, &optimizers[k], 2), "adam's epsilon must be above 0, not %g",
                       o->epsilon);
    }
}

static void read_learning_rate(struct checker *c, const struct setting *s)
{
    double *lr = &c->net->learning_rate;
    if (value_number(c->d, &s->value, "learning_rate", lr) == 0 && *lr <= 0)
        diag_error(c->d, s->value.loc, "learning_rate must be above 0, not %g", *lr);
}

/* plateau(factor, patience, min_lr, threshold, cooldown): PyTorch's ReduceLROnPlateau. */
static void read_plateau(struct checker *c, const struct setting *s, const double a[MAX_PARAMS])
{
    struct schedule_spec *sc = &c->net->sched;
    const struct callee *f = &schedules[SCHED_PLATEAU];
    sc->gamma = a[0];
    sc->patience = (int)a[1];
    sc->min_lr = a[2];
    sc->threshold = a[3];
    sc->cooldown = (int)a[4];
    check_range(c, s, f, 0, sc->gamma, 0, 1, 1, 1);
    if (sc->min_lr < 0)
        diag_error(c->d, param_loc(&s->value, f, 2), "plateau's min_lr must not be negative, not %g", sc->min_lr);
    check_range(c, s, f, 3, sc->threshold, 0, 1, 0, 1);
}

static void read_schedule(struct checker *c, const struct setting *s)
{
    struct schedule_spec *sc = &c->net->sched;
    double a[MAX_PARAMS];
    int k = value_call(c->d, &s->value, "learning-rate schedule", schedules, COUNT(schedules), a);
    if (k < 0)
        return;
    sc->kind = (enum schedule)k;
    if (sc->kind == SCHED_STEP) {
        sc->step_size = (int)a[0];
        sc->gamma = a[1];
    } else if (sc->kind == SCHED_EXPONENTIAL) {
        sc->gamma = a[0];
    } else if (sc->kind == SCHED_COSINE) {
        sc->min_lr = a[0];
        if (sc->min_lr < 0)
            diag_error(c->d, param_loc(&s->value, &schedules[k], 0), "cosine's min_lr must not be negative, not %g",
                       sc->min_lr);
    } else if (sc->kind == SCHED_PLATEAU) {
        read_plateau(c, s, a);
    }
    if (sc->kind == SCHED_STEP)
        check_range(c, s, &schedules[k], 1, sc->gamma, 0, 1, 1, 0);
    else if (sc->kind == SCHED_EXPONENTIAL)
        check_range(c, s, &schedules[k], 0, sc->gamma, 0, 1, 1, 0);
}

static void read_weight_decay(struct checker *c, const struct setting *s)
{
    double *wd = &c->net->weight_decay;
    if (value_number(c->d, &s->value, "weight_decay", wd) == 0 && *wd < 0)
        diag_error(c->d, s->value.loc, "weight_decay must not be negative, not %g", *wd);
}

static void read_batch(struct checker *c, const struct setting *s)
{
    long long v;
    if (value_integer(c->d, &s->value, "batch", 1, NETC_MAX_BATCH, &v) == 0)
        c->net->batch = (int)v;
}

static void read_epochs(struct checker *c, const struct setting *s)
{
    long long v;
    if (value_integer(c->d, &s->value, "epochs", 1, 1000000, &v) == 0)
        c->net->epochs = (int)v;
}

static void read_init(struct checker *c, const struct setting *s)
{
    double a[MAX_PARAMS];
    int k = value_call(c->d, &s->value, "init", inits, COUNT(inits), a);
    if (k < 0)
        return;
    if (k == INIT_UNIFORM && !(a[0] < a[1]))
        diag_error(c->d, s->value.loc, "uniform(a, b) needs a < b, not %g >= %g", a[0], a[1]);
    else if (k == INIT_UNIFORM && isinf((float)a[1] - (float)a[0])) {
        /* the weights are drawn as a + (b - a) u, in float */
        diag_error(c->d, s->value.loc, "uniform(a, b)'s width b - a = %g is beyond float's range "
                   "(about 3.4e38)", a[1] - a[0]);
        diag_hint(c->d, "weights that large overflow on the first forward pass; initial weights "
                  "are usually within ±1");
    }
    if (k == INIT_NORMAL && !(a[1] > 0))
        diag_error(c->d, param_loc(&s->value, &inits[k], 1), "normal's std must be above 0, not %g", a[1]);
    c->init_given = 1;
    for (int l = 0; l < c->net->nlayers && l < NETC_MAX_LAYERS; l++)
        c->net->layers[l].init = (struct init_spec){ (enum init)k, a[0], a[1] };
}

static void read_seed(struct checker *c, const struct setting *s)
{
    long long seed;
    if (value_integer(c->d, &s->value, "seed", 0, (1LL << 53), &seed) == 0)
        c->net->seed = (uint64_t)seed;
}

static void (*const train_readers[NTRAIN])(struct checker *, const struct setting *) = {
    [TRAIN_LOSS] = read_loss, [TRAIN_OPTIMIZER] = read_optimizer,
    [TRAIN_LEARNING_RATE] = read_learning_rate, [TRAIN_SCHEDULE] = read_schedule,
    [TRAIN_WEIGHT_DECAY] = read_weight_decay, [TRAIN_BATCH] = read_batch,
    [TRAIN_EPOCHS] = read_epochs, [TRAIN_INIT] = read_init, [TRAIN_SEED] = read_seed,
};

/* Cosine annealing runs from the learning rate down to min_lr: a floor above the start
 * would make the rate rise. */
static void check_cosine_floor(struct checker *c)
{
    const struct network *n = c->net;
    const struct setting *s = c->train[TRAIN_SCHEDULE];
    if (!s || n->sched.kind != SCHED_COSINE || !c->train[TRAIN_LEARNING_RATE]
        || n->learning_rate <= 0 || !(n->sched.min_lr > n->learning_rate))
        return;
    diag_error(c->d, param_loc(&s->value, &schedules[SCHED_COSINE], 0),
               "cosine's min_lr %g is above the learning_rate %g", n->sched.min_lr,
               n->learning_rate);
    diag_note(c->d, c->train[TRAIN_LEARNING_RATE]->value.loc, "the learning rate is set here");
    diag_hint(c->d, "the rate falls from learning_rate to min_lr; make min_lr the smaller");
}

static void check_train(struct checker *c)
{
    struct network *n = c->net;
    n->opt.kind = OPT_SGD;
    n->sched.kind = SCHED_CONSTANT;
    n->batch = 32;
    n->epochs = 10;
    n->seed = 1;
    n->has_train = c->train_stmt != NULL;
    if (!c->train_stmt) {
        if (c->syntax_errors || c->train_optional)
            return;
        int count = n->nlayers < NETC_MAX_LAYERS ? n->nlayers : NETC_MAX_LAYERS;
        const struct statement *last = count > 0 ? c->layer_stmts[count - 1] :
                                       c->input_stmt ? c->input_stmt : c->network_stmt;
        missing(c, last, "no 'train { ... }' block", count > 0 ? "after the last layer" :
                c->input_stmt ? "after the input line" : "after the network line");
        diag_hint(c->d, "a trainer needs one (the forward pass alone does not: --emit infer, "
                        "--summary, --emit dot);\nadd it after the layers, with at least a loss "
                        "and a learning rate:\n"
                        "    train {\n        loss          %s\n        learning_rate 0.1\n    }",
                  suggested_loss(c));
        return;
    }
    /* In the order written, so that messages come in line order. */
    for (const struct setting *s = c->train_stmt->settings; s; s = s->next) {
        int k = setting_index(STMT_TRAIN, s->key);
        if (k >= 0 && c->train[k] == s)
            train_readers[k](c, s);
    }
    check_cosine_floor(c);
    if (!c->train[TRAIN_LOSS])
        missing_setting(c, TRAIN_LOSS, suggested_loss(c));
    if (!c->train[TRAIN_LEARNING_RATE])
        missing_setting(c, TRAIN_LEARNING_RATE, "0.1");
}

/* ---- the data block ---- */

static void read_path(struct checker *c, int key, char **out)
{
    const char *path;
    if (c->data[key] && value_string(c->d, &c->data[key]->value, data_keys[key], &path) == 0)
        *out = strdup(path);
}

/* Whether a file key's absence is worth reporting: not after lines were lost to
 * syntax errors, nor when an unknown key was probably meant to be a file key. */
static int report_missing_files(const struct checker *c)
{
    if (c->syntax_errors)
        return 0;
    for (int k = DATA_TRAIN_IMAGES; k <= DATA_TEST_CSV; k++)
        if (c->misspelt_data[k])
            return 0;
    return 1;
}

/* Keys that go together: both or neither. */
static void need_pair(struct checker *c, int a, int b)
{
    if (!c->data[a] == !c->data[b] || !report_missing_files(c))
        return;
    int given = c->data[a] ? a : b, missing = c->data[a] ? b : a;
    diag_error(c->d, c->data[given]->key_loc, "'%s' without '%s'", data_keys[given], data_keys[missing]);
    diag_hint(c->d, "images and labels come in pairs; add '%s \"FILE\"'", data_keys[missing]);
}

static enum data_format infer_format(struct checker *c)
{
    int idx = c->data[DATA_TRAIN_IMAGES] || c->data[DATA_TRAIN_LABELS] || c->data[DATA_TEST_IMAGES]
              || c->data[DATA_TEST_LABELS];
    int csv = c->data[DATA_TRAIN_CSV] || c->data[DATA_TEST_CSV];
    int k;
    if (c->data[DATA_FORMAT]
        && (k = value_choice(c->d, &c->data[DATA_FORMAT]->value, "data format",
                             formats + DATA_IDX, COUNT(formats) - DATA_IDX)) >= 0)
        return (enum data_format)(DATA_IDX + k);
    if (idx && csv) {
        diag_error(c->d, c->data_stmt->loc, "the data block names both IDX files and CSV files");
        diag_hint(c->d, "use either train_images/train_labels (IDX) or train_csv (CSV)");
    }
    return csv ? DATA_CSV : DATA_IDX;
}

static void check_data_files(struct checker *c, struct data_spec *d)
{
    if (d->format == DATA_IDX) {
        need_pair(c, DATA_TRAIN_IMAGES, DATA_TRAIN_LABELS);
        need_pair(c, DATA_TEST_IMAGES, DATA_TEST_LABELS);
        if (!c->data[DATA_TRAIN_IMAGES] && !c->data[DATA_TEST_IMAGES] && report_missing_files(c)) {
            diag_error(c->d, c->data_stmt->loc, "the data block names no IDX files");
            diag_hint(c->d, "add 'train_images \"FILE\"' and 'train_labels \"FILE\"', or 'train_csv \"FILE\"' for CSV");
        }
        read_path(c, DATA_TRAIN_IMAGES, &d->train_images);
        read_path(c, DATA_TRAIN_LABELS, &d->train_labels);
        read_path(c, DATA_TEST_IMAGES, &d->test_images);
        read_path(c, DATA_TEST_LABELS, &d->test_labels);
    } else {
        if (!c->data[DATA_TRAIN_CSV] && !c->data[DATA_TEST_CSV] && report_missing_files(c)) {
            diag_error(c->d, c->data_stmt->loc, "the data block names no CSV files");
            diag_hint(c->d, "add 'train_csv \"FILE\"' (and 'test_csv \"FILE\"' to measure accuracy)");
        }
        read_path(c, DATA_TRAIN_CSV, &d->train_csv);
        read_path(c, DATA_TEST_CSV, &d->test_csv);
    }
}

static void check_label_column(struct checker *c, struct data_spec *d)
{
    const struct value *v = &c->data[DATA_LABEL_COLUMN]->value;
    long long index;
    if (v->kind == VALUE_NUMBER) {
        if (value_integer(c->d, v, "label_column", 0, 1000000, &index) == 0) {
            d->label_column = LABEL_INDEX;
            d->label_index = (int)index;
        }
        return;
    }
    int k = value_choice(c->d, v, "label_column", label_columns, LABEL_INDEX);
    if (k >= 0)
        d->label_column = (enum label_column)k;
}

/* validation N (samples held out of the training set) or F (their fraction, 0 < F < 1):
 * the trainer's default for --validation. */
static void check_validation(struct checker *c, struct data_spec *d)
{
    const struct value *v = &c->data[DATA_VALIDATION]->value;
    if (value_number(c->d, v, "validation", &d->validation) < 0)
        return;
    if (d->validation > 0 && (d->validation < 1 || d->validation == floor(d->validation))
        && d->validation <= 2147483647.0)
        return;
    diag_error(c->d, v->loc, "validation holds out a number of samples (1 or more) or a fraction "
               "between 0 and 1, not %g", d->validation);
    diag_hint(c->d, "write e.g. 'validation 0.1' (a tenth of the training samples) or "
              "'validation 5000'");
    d->validation = 0;
}

static void check_data(struct checker *c)
{
    struct data_spec *d = &c->net->data;
    int outputs = c->net->nlayers > 0 ? c->net->layers[c->net->nlayers - 1].out : 0;
    d->targets = outputs == 1 ? TARGETS_VALUE : TARGETS_ONE_HOT;
    d->label_column = LABEL_LAST;
    if (!c->data_stmt)
        return;
    d->format = infer_format(c);
    d->scale = d->format == DATA_IDX ? SCALE_UNIT : SCALE_NONE;
    check_data_files(c, d);
    if (c->data[DATA_LABEL_COLUMN])
        check_label_column(c, d);
    if (c->data[DATA_HEADER])
        value_bool(c->d, &c->data[DATA_HEADER]->value, "header", &d->header);
    int k;
    if (c->data[DATA_SCALE]
        && (k = value_choice(c->d, &c->data[DATA_SCALE]->value, "scale", scalings, COUNT(scalings))) >= 0)
        d->scale = (enum scaling)k;
    if (c->data[DATA_TARGETS]
        && (k = value_choice(c->d, &c->data[DATA_TARGETS]->value, "targets", target_kinds, COUNT(target_kinds))) >= 0) {
        d->targets = (enum targets)k;
        /* Several values per sample are a regression's targets (one per output): mse's. */
        if (d->targets == TARGETS_VALUE && outputs > 1 && c->net->loss != LOSS_MSE) {
            diag_error(c->d, c->data[DATA_TARGETS]->value.loc,
                       "'targets value' with %d outputs fits %d values per sample, which needs "
                       "the mse loss, not %s", outputs, outputs, loss_name(c->net->loss));
            diag_hint(c->d, "with %d outputs the labels are classes: write 'targets one_hot'", outputs);
        }
    }
    if (c->data[DATA_VALIDATION])
        check_validation(c, d);
    if (d->format == DATA_IDX && (c->data[DATA_LABEL_COLUMN] || c->data[DATA_HEADER])) {
        const struct setting *s = c->data[DATA_LABEL_COLUMN] ? c->data[DATA_LABEL_COLUMN] : c->data[DATA_HEADER];
        diag_warning(c->d, s->key_loc, "'%s' applies to CSV files only; IDX data ignores it", s->key);
    }
}

/* ---- the network as a whole ---- */

/* Every layer's shapes in order, then what only the whole can tell. */
static void check_layers(struct checker *c)
{
    struct network *n = c->net;
    int count = n->nlayers < NETC_MAX_LAYERS ? n->nlayers : NETC_MAX_LAYERS;
    double params = 0;
    int shape[3], flat = n->input_rank == 1;
    const struct layer *flattened_by = NULL;    /* the dense layer whose output is a vector */
    shape_of_input(n, shape);
    for (int i = 0; i < count; i++) {
        struct layer *l = &n->layers[i];
        const struct statement *s = c->layer_stmts[i];
        if (shape_layer(c->d, s, l, shape, flat, flattened_by) < 0)
            return;
        memcpy(shape, l->out_shape, sizeof shape);
        if (l->kind == LAYER_DENSE) {
            flat = 1;
            flattened_by = l;
        }
        if (l->act == ACT_SOFTMAX && i != count - 1 && l->kind == LAYER_DENSE) {
            diag_error(c->d, s->activation.loc, "softmax on a hidden layer");
            diag_hint(c->d, "softmax must be the last layer: it turns the outputs into probabilities");
        }
        params += (double)layer_param_count(l);
        if (params > NETC_MAX_PARAMS) {
            diag_error(c->d, s->kind == STMT_DENSE ? s->size.loc : s->loc,
                       "the network reaches %.0f parameters at this layer; netc's limit is %.0f",
                       params, NETC_MAX_PARAMS);
            diag_hint(c->d, "that is 1 GiB of float32 weights; make this layer or the input smaller");
            return;
        }
    }
    if (count > 0 && n->layers[count - 1].kind != LAYER_DENSE) {
        diag_error(c->d, c->layer_stmts[count - 1]->loc, "the output layer is a %s layer; it must be dense",
                   layer_kind_name(n->layers[count - 1].kind));
        if (n->layers[count - 1].kind == LAYER_DROPOUT)
            diag_hint(c->d, "dropout goes between layers; put it before the output layer, e.g. "
                      "'dropout 0.5' then 'dense 10 softmax'");
        else
            diag_hint(c->d, "end the network with the outputs it predicts, e.g. 'dense 10 softmax'");
        c->output_unknown = 1;
        return;
    }
    if (count > 0 && n->layers[count - 1].act == ACT_SOFTMAX && n->layers[count - 1].out == 1) {
        diag_warning(c->d, c->layer_stmts[count - 1]->activation.loc, "softmax over a single output is always 1");
        diag_hint(c->d, "for two classes use 'dense 1 sigmoid' with binary_cross_entropy, or 'dense 2 softmax'");
    }
}

/* Without an 'init' setting each layer gets the initialisation that suits its
 * activation: He (Kaiming) for relu and leaky_relu, Xavier (Glorot) for the rest. */
static void default_inits(struct checker *c)
{
    if (c->init_given)
        return;
    for (int i = 0; i < c->net->nlayers; i++) {
        struct layer *l = &c->net->layers[i];
        l->init.kind = l->act == ACT_RELU || l->act == ACT_LEAKY_RELU ? INIT_HE : INIT_XAVIER;
    }
}

/* The loss must make sense for what the output layer can produce. */
static void check_loss_output(struct checker *c)
{
    if (!c->loss_given || c->net->nlayers == 0 || c->output_unknown)
        return;
    const struct layer *out = &c->net->layers[c->net->nlayers - 1];
    struct loc at = c->train[TRAIN_LOSS]->value.loc;
    enum loss loss = c->net->loss;
    enum activation a = out->act;
    if (a == ACT_SOFTMAX && loss != LOSS_CROSS_ENTROPY) {
        diag_error(c->d, at, "softmax outputs need the cross_entropy loss, not %s", loss_name(loss));
        diag_hint(c->d, "write 'loss cross_entropy', or use sigmoid outputs with %s", loss_name(loss));
    } else if (loss == LOSS_BINARY_CROSS_ENTROPY && a != ACT_SIGMOID) {
        diag_error(c->d, at, "binary_cross_entropy needs outputs in (0, 1), but the last layer is %s",
                   activation_name(a));
        diag_hint(c->d, "make the last layer sigmoid: 'dense %d sigmoid'", out->out);
    } else if (loss == LOSS_CROSS_ENTROPY && a != ACT_SOFTMAX && a != ACT_SIGMOID && a != ACT_RELU) {
        diag_error(c->d, at, "cross_entropy takes the log of the outputs, but %s outputs can be negative",
                   activation_name(a));
        diag_hint(c->d, "make the last layer softmax: 'dense %d softmax'", out->out);
    } else if (loss == LOSS_CROSS_ENTROPY && a != ACT_SOFTMAX) {
        diag_warning(c->d, at, "cross_entropy with %s outputs that do not sum to 1", activation_name(a));
        diag_hint(c->d, a == ACT_SIGMOID ? "for independent yes/no outputs use binary_cross_entropy; for classes use softmax"
                                         : "for classes make the last layer softmax");
    }
}

/* Statements that every description needs.  After a syntax error the parser has
 * dropped lines, and a statement "missing" may just be one of them: say nothing. */
static void check_required(struct checker *c)
{
    if (c->syntax_errors)
        return;
    const struct statement *layer = c->net->nlayers > 0 ? c->layer_stmts[0] : NULL;
    if (!c->network_stmt) {
        missing(c, c->first_stmt, "no 'network NAME' line", "before the first statement");
        diag_hint(c->d, "start the file with e.g. 'network mnist': the name prefixes the generated C");
    }
    const struct statement *block = c->train_stmt ? c->train_stmt : c->data_stmt;
    const struct statement *name = c->network_stmt;     /* a file of that line alone */
    if (!c->input_stmt) {
        missing(c, layer ? layer : block ? block : name, "no 'input' line",
                layer ? "before the first layer" : block ? "before this block" :
                "after the network line");
        diag_hint(c->d, "declare the input size before the layers, e.g. 'input 784' or 'input 28x28'");
    }
    if (c->net->nlayers == 0) {
        missing(c, block ? block : c->input_stmt ? c->input_stmt : name,
                "the network has no layers", block ? "before this block" :
                c->input_stmt ? "after its input" : "after the network line");
        diag_hint(c->d, "add at least an output layer, e.g. 'dense 10 softmax'");
    }
}

static void collect_classes(struct checker *c, const struct statement *s)
{
    if (c->classes_stmt)
        duplicate(c, s->loc, c->classes_stmt->loc, "'classes'");
    else
        c->classes_stmt = s;
}

/* When d already counts errors (the parser's), the tree may lack lines the parser
 * dropped: then nothing is reported as missing. */
int check_network(struct diag *d, const struct syntax *tree, enum check_purpose purpose,
                  struct network *out)
{
    memset(out, 0, sizeof *out);
    out->layers = calloc(NETC_MAX_LAYERS, sizeof *out->layers);
    struct checker c = { .d = d, .net = out, .syntax_errors = d->errors > 0, .first_stmt = tree->first,
                         .train_optional = purpose == CHECK_FOR_FORWARD };
    if (!out->layers) {
        diag_file_error(d, "out of memory");
        return d->errors;
    }
    if (!tree->first && !c.syntax_errors) {
        diag_file_error(d, "the file describes no network");
        diag_hint(d, "a description needs at least these lines:\n"
                     "    network mnist\n    input 784\n    dense 10 softmax\n"
                     "    train {\n        loss          cross_entropy\n        learning_rate 0.1\n    }");
        return d->errors;
    }
    for (const struct statement *s = tree->first; s; s = s->next) {
        switch (s->kind) {
        case STMT_NETWORK: check_network_name(&c, s); break;
        case STMT_INPUT: check_input(&c, s); break;
        case STMT_DENSE: check_dense(&c, s); break;
        case STMT_CONV: check_conv(&c, s); break;
        case STMT_MAXPOOL:
        case STMT_AVGPOOL: check_pool(&c, s); break;
        case STMT_DROPOUT: check_dropout(&c, s); break;
        case STMT_TRAIN: collect_block(&c, s, &c.train_stmt, c.train); break;
        case STMT_DATA: collect_block(&c, s, &c.data_stmt, c.data); break;
        case STMT_CLASSES: collect_classes(&c, s); break;
        }
    }
    if (out->nlayers > NETC_MAX_LAYERS)
        out->nlayers = NETC_MAX_LAYERS;
    check_required(&c);
    check_automatic_names(&c);
    check_layers(&c);
    check_train(&c);
    default_inits(&c);
    check_loss_output(&c);
    check_data(&c);
    if (c.classes_stmt)
        check_classes(d, c.classes_stmt, !c.output_unknown && !c.syntax_errors, out);
    return d->errors;
}

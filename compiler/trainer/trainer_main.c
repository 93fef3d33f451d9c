/* trainer_main.c - NAME_main.c: the model's description for the runtime, and main().
 *
 * The runtime never sees NAME_model: it gets a netc_model with sizes, the tensors
 * of the weights file, the .net file's defaults and entry points taking void *.
 */
#include "trainer/trainer_internal.h"

#include <stdio.h>

/* The netc_model constants' names, indexed by the network's enums: both are made from
 * the same lists (netc_enums.h), so LOSS_MSE's is "NETC_LOSS_MSE". */
static const char *const loss_enum[] = { NETC_LOSSES(NETC_ENUMERATOR_NAME, NETC_LOSS_) };
static const char *const schedule_enum[] = { NETC_SCHEDULES(NETC_ENUMERATOR_NAME, NETC_SCHED_) };
static const char *const format_enum[] = { NETC_DATA_FORMATS(NETC_ENUMERATOR_NAME, NETC_DATA_) };
static const char *const label_enum[] = { NETC_LABEL_COLUMNS(NETC_ENUMERATOR_NAME, NETC_LABEL_) };
static const char *const scaling_enum[] = { NETC_SCALINGS(NETC_ENUMERATOR_NAME, NETC_SCALE_) };
static const char *const targets_enum[] = {
    NETC_TARGET_KINDS(NETC_ENUMERATOR_NAME, NETC_TARGETS_)
};

/* One entry point of the descriptor: a static wrapper calling NAME_<call> with the
 * state given back its type, assigned to netc_model's member <call>, or <member> when
 * that is named otherwise.  E.g. { "float", "loss", "const float *x, const float *y,
 * int n", "x, y, n", "loss_fn" } -> static float model_loss(void *state, const float *x, ...)
 *                        { return mnist_loss((mnist_model *)state, x, y, n); }
 * and .loss_fn = model_loss. */
struct entry {
    const char *type, *call, *params, *args;
    const char *member;         /* NULL: the member is named <call> */
};

static const struct entry entries[] = {
    { "void", "init", "uint64_t seed", "seed", NULL },
    { "void", "forward", "const float *x, float *out, int n", "x, out, n", NULL },
    { "float", "loss", "const float *x, const float *y, int n", "x, y, n", "loss_fn" },
    { "float", "forward_backward", "const float *x, const float *y, int n", "x, y, n", NULL },
    { "void", "update", "float learning_rate", "learning_rate", NULL },
    { "void", "part_forward", "const float *x, const float *y, float *out, int n, int t, int T",
      "x, y, out, n, t, T", NULL },
    { "void", "part_prepare", "int t, int T", "t, T", NULL },
    { "void", "part_errors", "const float *x, const float *y, int n, int t, int T",
      "x, y, n, t, T", NULL },
    { "void", "part_gradients", "const float *x, int n, int t, int T", "x, n, t, T", NULL },
    { "float", "batch_loss", "int n", "n", NULL },
    { "void", "part_update", "float learning_rate, int t, int T", "learning_rate, t, T", NULL },
    { "void", "update_end", NULL, "", NULL },
};

static void emit_wrapper(const struct emit *e, const struct entry *w)
{
    struct printer *p = e->p;
    const int returns = w->type[0] != 'v';
    pr_line(p, "static %s model_%s(void *state%s%s)", w->type, w->call, w->params ? ", " : "",
            w->params ? w->params : "");
    pr_block(p);
    pr_line(p, "%s%s_%s((%s_model *)state%s%s);", returns ? "return " : "", e->name, w->call,
            e->name, w->args[0] ? ", " : "", w->args);
    pr_close(p);
}

/* The entry points, one static wrapper each, giving the state back its type. */
static void emit_wrappers(const struct emit *e)
{
    struct printer *p = e->p;
    pr_line(p, "/* The runtime passes the model's state as void *: these give it back its type. */");
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++)
        emit_wrapper(e, &entries[i]);
    pr_line(p, "static float *model_params(void *state)");
    pr_block(p);
    pr_line(p, "return ((%s_model *)state)->param;", e->name);
    pr_close(p);
    pr_line(p, "static float *model_grads(void *state)");
    pr_block(p);
    pr_line(p, "return ((%s_model *)state)->grad;", e->name);
    pr_close(p);
    if (network_has_dropout(e->net)) {
        const struct entry dropout = { "void", "dropout", "int training, uint64_t key",
                                       "training, key", NULL };
        emit_wrapper(e, &dropout);
    }
    pr_blank(p);
}

/* Where each layer's activations live in the state, for the runtime's pictures. */
static void emit_activations(const struct emit *e)
{
    struct printer *p = e->p;
    pr_line(p, "/* Layer `layer`'s activations a from the last forward pass, one row per sample. */");
    pr_line(p, "static const float *model_activations(void *state, int layer)");
    pr_block(p);
    pr_line(p, "static const size_t offsets[] = {");
    for (int l = 0; l < e->net->nlayers; l++) {
        const struct layer_names n = layer_names(e, l);
        pr_line(p, "    offsetof(%s_model, %s),", e->name, n.a);
    }
    pr_line(p, "};");
    pr_line(p, "if (layer < 0 || layer >= (int)(sizeof offsets / sizeof offsets[0]))");
    pr_line(p, "    return NULL;");
    pr_line(p, "return (const float *)((const char *)state + offsets[layer]);");
    pr_close(p);
    pr_blank(p);
}

static void emit_tensors(const struct emit *e)
{
    struct printer *p = e->p;
    char name[NETC_MAX_NAME + 16], suffix[6 * SYMBOL_MAX + 64];
    pr_line(p, "/* The weights file's tensors, weight then bias of each layer that has them.");
    pr_line(p, " * Weights are [out, in] (torch.nn.Linear) or [out, in, kh, kw] (torch.nn.Conv2d)");
    pr_line(p, " * in the file, and kept transposed in memory. */");
    pr_open(p, "static const netc_tensor tensors[] =");
    for (int l = 0; l < e->net->nlayers; l++) {
        const struct layer *L = &e->net->layers[l];
        const struct layer_names n = layer_names(e, l);
        char in_c[SYMBOL_MAX], kh[SYMBOL_MAX], kw[SYMBOL_MAX];
        if (!layer_has_weights(L))
            continue;
        snprintf(name, sizeof name, "%s.weight", L->name);
        if (L->kind == LAYER_CONV) {
            layer_constant(in_c, e, l, "IN_C");
            layer_constant(kh, e, l, "KH");
            layer_constant(kw, e, l, "KW");
            snprintf(suffix, sizeof suffix, ", 4, { %s, %s, %s, %s }, %s, 1 },", n.units, in_c, kh,
                     kw, n.wt);
        } else {
            snprintf(suffix, sizeof suffix, ", 2, { %s, %s }, %s, 1 },", n.out, n.in, n.wt);
        }
        pr_string_literal(p, "{ ", name, suffix);
        snprintf(name, sizeof name, "%s.bias", L->name);
        snprintf(suffix, sizeof suffix, ", 1, { %s }, %s, 0 },", n.units, n.b);
        pr_string_literal(p, "{ ", name, suffix);
    }
    pr_close_with(p, ";");
    pr_blank(p);
}

static const char *const kind_enum[] = { NETC_LAYER_KINDS(NETC_ENUMERATOR_NAME, NETC_LAYER_) };
static const char *const activation_enum[] = {
    NETC_ACTIVATIONS(NETC_ENUMERATOR_NAME, NETC_ACT_)
};

/* The layers as the .net file declares them, for the runtime's report and checks. */
static void emit_layer_table(const struct emit *e)
{
    struct printer *p = e->p;
    char lit[LIT_MAX], rate[LIT_MAX];
    int tensor = 0;
    pr_line(p, "/* The layers: kind, activation (α), input and output C x H x W, kernel, stride,");
    pr_line(p, " * padding (height, width), dropout rate, weight tensor (-1: none). */");
    pr_open(p, "static const netc_layer layers[] =");
    for (int l = 0; l < e->net->nlayers; l++) {
        const struct layer *L = &e->net->layers[l];
        const int *i = L->in_shape, *o = L->out_shape;
        pr_string_literal(p, "{ ", L->name, ",");
        pr_line(p, "  %s, %s, %s,", kind_enum[L->kind], activation_enum[L->act], lit_double(lit, L->alpha));
        pr_line(p, "  { %d, %d, %d }, { %d, %d, %d }, { %d, %d }, { %d, %d }, { %d, %d }, %s, %d },",
                i[0], i[1], i[2], o[0], o[1], o[2], L->kernel[0], L->kernel[1], L->stride[0],
                L->stride[1], L->padding[0], L->padding[1], lit_double(rate, L->rate),
                layer_has_weights(L) ? tensor : -1);
        tensor += layer_has_weights(L) ? 2 : 0;
    }
    pr_close_with(p, ";");
    pr_blank(p);
}

static void emit_data_defaults(const struct emit *e)
{
    const struct data_spec *d = &e->net->data;
    struct printer *p = e->p;
    char lit[LIT_MAX];
    pr_open(p, ".data =");
    pr_line(p, ".format = %s,", format_enum[d->format]);
    pr_string_literal(p, ".train_images = ", d->train_images, ",");
    pr_string_literal(p, ".train_labels = ", d->train_labels, ",");
    pr_string_literal(p, ".test_images = ", d->test_images, ",");
    pr_string_literal(p, ".test_labels = ", d->test_labels, ",");
    pr_string_literal(p, ".train_csv = ", d->train_csv, ",");
    pr_string_literal(p, ".test_csv = ", d->test_csv, ",");
    pr_line(p, ".label_column = %s,", label_enum[d->label_column]);
    pr_line(p, ".label_index = %d,", d->label_index);
    pr_line(p, ".header = %d,", d->header);
    pr_line(p, ".scale = %s,", scaling_enum[d->scale]);
    pr_line(p, ".targets = %s,", targets_enum[d->targets]);
    if (d->validation > 0)
        pr_line(p, ".validation = %s,", lit_double(lit, d->validation));
    pr_close_with(p, ",");
}

/* classes { ... }: the name of each class, in the order of the outputs. */
static void emit_class_names(const struct emit *e)
{
    const struct network *net = e->net;
    if (net->nclasses == 0)
        return;
    pr_open(e->p, "static const char *const class_names[] =");
    for (int i = 0; i < net->nclasses; i++)
        pr_string_literal(e->p, "", net->class_names[i], ",");
    pr_close_with(e->p, ";");
    pr_blank(e->p);
}

/* The entry points' members: those named otherwise than their call (loss_fn) first. */
static void emit_entry_members(const struct emit *e)
{
    const size_t n = sizeof entries / sizeof entries[0];
    for (size_t i = 0; i < n; i++)
        if (entries[i].member)
            pr_line(e->p, ".%s = model_%s,", entries[i].member, entries[i].call);
    for (size_t i = 0; i < n; i++)
        if (!entries[i].member)
            pr_line(e->p, ".%s = model_%s,", entries[i].call, entries[i].call);
}

static void emit_descriptor(const struct emit *e)
{
    const struct network *net = e->net;
    struct printer *p = e->p;
    char lit[LIT_MAX];
    pr_line(p, "/* Everything the trainer needs to know about this model. */");
    pr_open(p, "static const netc_model model =");
    pr_string_literal(p, ".name = ", e->name, ",");
    pr_line(p, ".netc_version = \"%s\",", NETC_VERSION);
    pr_line(p, ".source_hash = \"%016llx\",", (unsigned long long)net->source_hash);
    pr_line(p, ".n_input = %s_N_INPUT,", e->up);
    pr_line(p, ".n_output = %s_N_OUTPUT,", e->up);
    pr_line(p, ".input_rank = %d,", net->input_rank);
    pr_line(p, ".input_shape = { %d, %d, %d },", net->input_shape[0], net->input_shape[1],
            net->input_shape[2]);
    pr_line(p, ".batch = %s_BATCH,", e->up);
    pr_line(p, ".n_param = %s_N_PARAM,", e->up);
    pr_line(p, ".n_tensor = (int)(sizeof tensors / sizeof tensors[0]),");
    pr_line(p, ".tensors = tensors,");
    pr_line(p, ".n_layer = (int)(sizeof layers / sizeof layers[0]),");
    pr_line(p, ".layers = layers,");
    pr_line(p, ".state_size = sizeof(%s_model),", e->name);
    pr_line(p, ".loss = %s,", loss_enum[net->loss]);
    pr_line(p, ".learning_rate = %s,", lit_double(lit, net->learning_rate));
    pr_line(p, ".epochs = %d,", net->epochs);
    pr_line(p, ".seed = UINT64_C(%llu),", (unsigned long long)net->seed);
    pr_line(p, ".schedule = %s,", schedule_enum[net->sched.kind]);
    pr_line(p, ".step_size = %d,", net->sched.step_size);
    pr_line(p, ".gamma = %s,", lit_double(lit, net->sched.gamma));
    pr_line(p, ".min_lr = %s,", lit_double(lit, net->sched.min_lr));
    if (net->sched.kind == SCHED_PLATEAU) {
        pr_line(p, ".patience = %d,", net->sched.patience);
        pr_line(p, ".threshold = %s,", lit_double(lit, net->sched.threshold));
        pr_line(p, ".cooldown = %d,", net->sched.cooldown);
    }
    emit_data_defaults(e);
    if (net->nclasses) {
        pr_line(p, ".n_class_names = %d,", net->nclasses);
        pr_line(p, ".class_names = class_names,");
    }
    pr_line(p, ".params = model_params,");
    pr_line(p, ".grads = model_grads,");
    emit_entry_members(e);
    pr_line(p, ".activations = model_activations,");
    if (network_has_dropout(net))
        pr_line(p, ".dropout = model_dropout,");
    pr_close_with(p, ";");
    pr_blank(p);
}

static void emit_main_function(struct printer *p, const char *runtime_main)
{
    pr_line(p, "int main(int argc, char **argv)");
    pr_block(p);
    pr_line(p, "return %s(&model, argc, argv);", runtime_main);
    pr_close(p);
}

void emit_main(const struct emit *e)
{
    struct printer *p = e->p;
    pr_line(p, "#include <stddef.h>");
    pr_blank(p);
    pr_line(p, "#include \"netc_model.h\"");
    pr_line(p, "#include \"%s.h\"", e->name);
    pr_blank(p);
    emit_wrappers(e);
    emit_activations(e);
    emit_tensors(e);
    emit_layer_table(e);
    emit_class_names(e);
    emit_descriptor(e);
    pr_line(p, "/* Built with -DNETC_MPI (netc build --mpi): the same trainer under mpirun. */");
    pr_line(p, "#if defined(NETC_MPI)");
    emit_main_function(p, "netc_mpi_main");
    pr_line(p, "#else");
    emit_main_function(p, "netc_trainer_main");
    pr_line(p, "#endif");
}

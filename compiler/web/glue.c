/* glue.c - NAME_web.c: the entry points the page calls, around the trainer's NAME.c.
 *
 * The page does no arithmetic of the network's: it fills byte images into the module's
 * memory and calls these, which call NAME_forward, NAME_forward_backward and
 * NAME_update, the native trainer's code.  The data order comes from the runtime's own
 * shuffle (runtime/model/rng.c, embedded at build time), seeded as the trainer seeds it,
 * so a page run and `NAME train --limit N` see the same mini-batches.  The learning rate
 * of each epoch is the runtime's too (runtime/model/schedule.c, embedded with the
 * netc_model.h it reads), for the .net file's schedule.  Dropout's masks are keyed per
 * mini-batch from the same generator, as the trainer keys them.
 */
#include "web/web.h"
#include "web/web_internal.h"

#include <string.h>

#include "netc_enums.h"

static const char *const rng_h[] = {
#include "web/rng.h.inc"
};
static const char *const rng_c[] = {
#include "web/rng.c.inc"
};
static const char *const enums_h[] = {
#include "web/netc_enums.h.inc"
};
static const char *const model_h[] = {
#include "web/netc_model.h.inc"
};
static const char *const schedule_h[] = {
#include "web/schedule.h.inc"
};
static const char *const schedule_c[] = {
#include "web/schedule.c.inc"
};
static const char *const schedule_enum[] = { NETC_SCHEDULES(NETC_ENUMERATOR_NAME, NETC_SCHED_) };

/* The runtime's file, without its includes of the runtime's headers. */
static void print_runtime_file(struct printer *p, const char *const *lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strncmp(lines[i], "#include \"", 10) != 0)
            pr_lines(p, &lines[i], 1);
}

static void print_buffers(const struct emit *e)
{
    struct printer *p = e->p;
    pr_line(p, "enum { WEB_N_TRAIN = %d, WEB_N_TEST = %d };", WEB_N_TRAIN, WEB_N_TEST);
    pr_blank(p);
    pr_line(p, "static %s_model model;", e->name);
    pr_line(p, "static unsigned char train_images[WEB_N_TRAIN * %s_N_INPUT], "
            "train_labels[WEB_N_TRAIN];", e->up);
    pr_line(p, "static unsigned char test_images[WEB_N_TEST * %s_N_INPUT], "
            "test_labels[WEB_N_TEST];", e->up);
    pr_line(p, "static unsigned char image[%s_N_INPUT];              /* the drawing, or a "
            "digit */", e->up);
    pr_line(p, "static float x[%s_BATCH * %s_N_INPUT], y[%s_BATCH * %s_N_OUTPUT];", e->up,
            e->up, e->up, e->up);
    pr_line(p, "static float out[%s_BATCH * %s_N_OUTPUT];", e->up, e->up);
    pr_line(p, "static int order[WEB_N_TRAIN];                     /* the data order */");
    pr_line(p, "static netc_rng shuffle_rng;");
    pr_line(p, "static double test_loss;");
    pr_blank(p);
    pr_line(p, "#define WEB_EXPORT(name) __attribute__((export_name(#name)))");
    pr_blank(p);
}

/* Where the page finds things in the module's memory. */
static void print_pointers(const struct emit *e)
{
    struct printer *p = e->p;
    static const char *const arrays[][2] = {
        {"image", "image"}, {"output", "out"}, {"train_images", "train_images"},
        {"train_labels", "train_labels"}, {"test_images", "test_images"},
        {"test_labels", "test_labels"},
    };
    pr_line(p, "WEB_EXPORT(param) float *web_param(void) { return model.param; }");
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        pr_line(p, "WEB_EXPORT(%s) void *web_%s(void) { return %s; }", arrays[i][0],
                arrays[i][0], arrays[i][1]);
    pr_blank(p);
    pr_line(p, "/* Layer l's activations (from 0) for the first sample of the last forward pass. */");
    pr_line(p, "WEB_EXPORT(activation) float *web_activation(int layer)");
    pr_block(p);
    pr_open(p, "switch (layer)");
    for (int l = 0; l < e->net->nlayers; l++) {
        struct layer_names n = layer_names(e, l);
        pr_line(p, "case %d: return model.%s;", l, n.a);
    }
    pr_line(p, "default: return 0;");
    pr_close(p);
    pr_close(p);
    pr_blank(p);
}

static void print_entry_points(const struct emit *e)
{
    struct printer *p = e->p;
    pr_line(p, "/* The trainer's input: bytes / 255, as runtime/io/dataset.c scales IDX images.  16");
    pr_line(p, " * bytes at a time widened to 32-bit integers, converted as signed ones (the same");
    pr_line(p, " * floats for 0..255): clang converts bytes with f32x4.convert_i32x4_u, which a");
    pr_line(p, " * browser on x86 runs as nine instructions (x86 has no unsigned conversion), and");
    pr_line(p, " * that made a tenth of mnist.net's training. */");
    pr_line(p, "static void load(float *row, const unsigned char *pixels)");
    pr_block(p);
    pr_line(p, "const v128_t scale = wasm_f32x4_splat(1.0f / 255.0f);");
    pr_line(p, "int i = 0;");
    pr_open(p, "for (; i + 16 <= %s_N_INPUT; i += 16)", e->up);
    pr_line(p, "const v128_t b = wasm_v128_load(pixels + i);");
    pr_line(p, "const v128_t h[2] = { wasm_u16x8_extend_low_u8x16(b), wasm_u16x8_extend_high_u8x16(b) };");
    pr_open(p, "for (int k = 0; k < 2; k++)");
    pr_line(p, "wasm_v128_store(row + i + 8 * k, wasm_f32x4_mul(wasm_f32x4_convert_i32x4("
            "wasm_u32x4_extend_low_u16x8(h[k])), scale));");
    pr_line(p, "wasm_v128_store(row + i + 8 * k + 4, wasm_f32x4_mul(wasm_f32x4_convert_i32x4("
            "wasm_u32x4_extend_high_u16x8(h[k])), scale));");
    pr_close(p);
    pr_close(p);
    pr_line(p, "for (; i < %s_N_INPUT; i++)", e->up);
    pr_line(p, "    row[i] = pixels[i] * (1.0f / 255.0f);");
    pr_close(p);
    pr_blank(p);
    pr_line(p, "/* Fresh weights from seed, as `%s train --seed SEED`; the samples in file order. */", e->name);
    pr_line(p, "WEB_EXPORT(init) void web_init(double seed)");
    pr_block(p);
    pr_line(p, "%s_init(&model, (uint64_t)seed);", e->name);
    pr_line(p, "for (int i = 0; i < WEB_N_TRAIN; i++)");
    pr_line(p, "    order[i] = i;");
    pr_line(p, "netc_rng_seed(&shuffle_rng, (uint64_t)seed ^ 0x53485546464c45ULL);  /* \"SHUFFLE\" */");
    pr_close(p);
    pr_blank(p);
    pr_line(p, "/* The start of an epoch of the first n training samples: the trainer's shuffle. */");
    pr_line(p, "WEB_EXPORT(shuffle) void web_shuffle(int n)");
    pr_block(p);
    pr_line(p, "netc_rng_shuffle(&shuffle_rng, order, n);");
    pr_close(p);
    pr_blank(p);
    pr_line(p, "/* The network on image: outputs in out, activations in the model. */");
    pr_line(p, "WEB_EXPORT(predict) void web_predict(void)");
    pr_block(p);
    pr_line(p, "load(x, image);");
    pr_line(p, "%s_forward(&model, x, out, 1);", e->name);
    pr_close(p);
    pr_blank(p);
    pr_line(p, "/* One mini-batch, samples order[pos .. pos + n) (n <= %s_BATCH), one optimizer", e->up);
    pr_line(p, " * step with learning rate lr; returns the batch's mean loss. */");
    pr_line(p, "WEB_EXPORT(train_batch) float web_train_batch(int pos, int n, float lr)");
    pr_block(p);
    pr_line(p, "memset(y, 0, sizeof y);");
    pr_open(p, "for (int i = 0; i < n; i++)");
    pr_line(p, "load(x + i * %s_N_INPUT, train_images + order[pos + i] * %s_N_INPUT);", e->up, e->up);
    pr_line(p, "y[i * %s_N_OUTPUT + train_labels[order[pos + i]]] = 1.0f;", e->up);
    pr_close(p);
    if (network_has_dropout(e->net)) {
        pr_line(p, "/* Dropout on for this batch alone, its masks keyed by the data order's generator's");
        pr_line(p, " * next draw, as the trainer keys them (runtime/train/loop.c, batch_gradient). */");
        pr_line(p, "%s_dropout(&model, 1, netc_rng_next(&shuffle_rng));", e->name);
    }
    pr_line(p, "float loss = %s_forward_backward(&model, x, y, n);", e->name);
    if (network_has_dropout(e->net))
        pr_line(p, "%s_dropout(&model, 0, 0);", e->name);
    pr_line(p, "%s_update(&model, lr);", e->name);
    pr_line(p, "return loss;");
    pr_close(p);
    pr_blank(p);
}

/* The .net file's schedule, as the trainer's NAME_main.c describes it, and its rate. */
static void print_schedule(const struct emit *e)
{
    struct printer *p = e->p;
    char gamma[LIT_MAX], min_lr[LIT_MAX];
    pr_line(p, "static const netc_model schedule = {");
    pr_line(p, "    .epochs = %d, .schedule = %s, .step_size = %d, .gamma = %s, .min_lr = %s,",
            e->net->epochs, schedule_enum[e->net->sched.kind], e->net->sched.step_size,
            lit_double(gamma, e->net->sched.gamma), lit_double(min_lr, e->net->sched.min_lr));
    pr_line(p, "};");
    pr_blank(p);
    pr_line(p, "/* The learning rate of epoch (from 0) for base rate lr: netc_schedule_lr's. */");
    pr_line(p, "WEB_EXPORT(schedule_lr) double web_schedule_lr(double lr, int epoch)");
    pr_block(p);
    pr_line(p, "return netc_schedule_lr(&schedule, lr, epoch, schedule.epochs > 0 ? schedule.epochs : 1);");
    pr_close(p);
    pr_blank(p);
}

static void print_evaluation(const struct emit *e)
{
    struct printer *p = e->p;
    pr_line(p, "static int argmax(const float *row)");
    pr_block(p);
    pr_line(p, "int best = 0;");
    pr_line(p, "for (int k = 1; k < %s_N_OUTPUT; k++)", e->up);
    pr_line(p, "    best = row[k] > row[best] ? k : best;");
    pr_line(p, "return best;");
    pr_close(p);
    pr_blank(p);
    pr_line(p, "/* The accuracy on the first n test samples; their mean loss in web_test_loss(). */");
    pr_line(p, "WEB_EXPORT(test) double web_test(int n)");
    pr_block(p);
    pr_line(p, "int right = 0;");
    pr_line(p, "test_loss = 0;");
    pr_open(p, "for (int i0 = 0; i0 < n; i0 += %s_BATCH)", e->up);
    pr_line(p, "int b = n - i0 < %s_BATCH ? n - i0 : %s_BATCH;", e->up, e->up);
    pr_line(p, "memset(y, 0, sizeof y);");
    pr_open(p, "for (int i = 0; i < b; i++)");
    pr_line(p, "load(x + i * %s_N_INPUT, test_images + (i0 + i) * %s_N_INPUT);", e->up, e->up);
    pr_line(p, "y[i * %s_N_OUTPUT + test_labels[i0 + i]] = 1.0f;", e->up);
    pr_close(p);
    pr_line(p, "test_loss += (double)%s_loss(&model, x, y, b) * b;", e->name);
    pr_line(p, "for (int i = 0; i < b; i++)");
    pr_line(p, "    right += argmax(model.%s + i * %s_N_OUTPUT) == test_labels[i0 + i];",
            layer_names(e, e->net->nlayers - 1).a, e->up);
    pr_close(p);
    pr_line(p, "test_loss /= n > 0 ? n : 1;");
    pr_line(p, "return n > 0 ? (double)right / n : 0;");
    pr_close(p);
    pr_line(p, "WEB_EXPORT(test_loss) double web_test_loss(void) { return test_loss; }");
}

static void emit_glue(const struct emit *e)
{
    struct printer *p = e->p;
    emit_provenance(e, "_web.c", "the page's entry points (WebAssembly exports) around "
                    "the trainer's model");
    pr_line(p, "#include <stdint.h>");
    pr_line(p, "#include <string.h>");
    pr_line(p, "#include <wasm_simd128.h>");
    pr_blank(p);
    pr_line(p, "#include \"%s.h\"", e->name);
    pr_blank(p);
    pr_line(p, "/* The data order: the native trainer's shuffle (netc's runtime/model/rng.h, rng.c). */");
    print_runtime_file(p, rng_h, sizeof rng_h / sizeof rng_h[0]);
    print_runtime_file(p, rng_c, sizeof rng_c / sizeof rng_c[0]);
    pr_blank(p);
    pr_line(p, "/* The learning-rate schedule: netc's runtime/netc_enums.h, netc_model.h,");
    pr_line(p, " * runtime/model/schedule.h, schedule.c. */");
    print_runtime_file(p, enums_h, sizeof enums_h / sizeof enums_h[0]);
    print_runtime_file(p, model_h, sizeof model_h / sizeof model_h[0]);
    print_runtime_file(p, schedule_h, sizeof schedule_h / sizeof schedule_h[0]);
    print_runtime_file(p, schedule_c, sizeof schedule_c / sizeof schedule_c[0]);
    pr_blank(p);
    print_buffers(e);
    print_pointers(e);
    print_entry_points(e);
    print_schedule(e);
    print_evaluation(e);
}

int web_write_glue(const struct network *net, const char *outdir, const char *command_line,
                   char *errbuf, size_t errlen)
{
    static const struct emit_file files[] = {{"_web.c", emit_glue}};
    struct emit e;
    emit_start(&e, net, command_line);
    return emit_write_files(&e, outdir, files, 1, errbuf, errlen);
}

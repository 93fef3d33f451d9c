/* web.c - netc --emit web: the page's C, compiled to WebAssembly, and the page.
 *
 * The order: is the network one the page can draw (28 x 28 inputs, ten classes), the
 * digits it carries (MNIST's IDX files), NAME_web.c (glue.c), the toolchain, NAME.wasm
 * (clang's wasm32 target, lld, wasi-libc: no shell, no imports), then NAME.html
 * (page.c), which holds everything.  The trainer's NAME.c is already in outdir.
 */
#include "web/web.h"
#include "web/web_internal.h"
#include "emit/emit.h"
#include "infer/weights.h"      /* struct export_weights: data only, read by the driver */

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/idx.h"

extern char **environ;

/* What the page assumes: a 28 x 28 greyscale image in, one class of ten out, bytes / 255.
 * Any layers between: dense ones drawn as neurons, conv and pooling ones as feature maps. */
static int check_drawable(const struct network *net, const struct web_options *o, char *errbuf,
                          size_t errlen)
{
    const struct layer *last = &net->layers[net->nlayers - 1];
    if (net->input_size != WEB_SIDE * WEB_SIDE)
        return emit_fail(errbuf, errlen, "--emit web: network '%s' takes %d inputs; the page draws "
                    "28 x 28 = 784 pixel digits", net->name, net->input_size);
    if (last->out != WEB_CLASSES)
        return emit_fail(errbuf, errlen, "--emit web: network '%s' has %d outputs; the page shows "
                    "the ten digit classes", net->name, last->out);
    const int *in = net->layers[0].in_shape;
    for (int l = 0; l < net->nlayers; l++)
        if (layer_is_spatial(&net->layers[l]) && (in[DIM_C] != 1 || in[DIM_H] != WEB_SIDE))
            return emit_fail(errbuf, errlen, "--emit web: layer '%s' (line %d) is a %s layer on "
                        "%d x %d x %d images; the page draws one-channel 1 x 28 x 28 digits",
                        net->layers[l].name, net->layers[l].line,
                        layer_kind_name(net->layers[l].kind), in[DIM_C], in[DIM_H], in[DIM_W]);
    if (net->data.format == DATA_CSV || net->data.targets != TARGETS_ONE_HOT ||
        (net->data.format == DATA_IDX && net->data.scale != SCALE_UNIT))
        return emit_fail(errbuf, errlen, "--emit web: network '%s' must read MNIST-style IDX images "
                    "as bytes / 255 with one-hot labels", net->name);
    if (o->weights && o->weights->n_scale)
        return emit_fail(errbuf, errlen, "--emit web: %s holds input statistics; the page feeds "
                    "pixels as bytes / 255", o->weights->path);
    return 0;
}

/* dir/name, or the .net file's own data block's path for it. */
static void data_path(const char *dir, const char *name,
                      const char *own, char *path, size_t n)
{
    if (!dir && own)
        snprintf(path, n, "%s", own);
    else
        snprintf(path, n, "%s/%s", dir ? dir : "data/mnist", name);
}

static int read_idx(const char *path, int rank, size_t want, netc_idx *idx, char *errbuf,
                    size_t errlen)
{
    netc_error err;
    if (netc_idx_read(path, rank, idx, &err) < 0)
        return emit_fail(errbuf, errlen, "--emit web: %s\nhint: the page carries MNIST digits: "
                    "tools/fetch-data.sh mnist, or --data DIR", err.msg);
    if (idx->n < want || (rank == 3 && idx->item_size != WEB_SIDE * WEB_SIDE))
        return emit_fail(errbuf, errlen, "--emit web: %s: %zu items of %zu bytes; the page needs "
                    "%zu of 784", path, idx->n, idx->item_size, want);
    return 0;
}

static int read_digits(const struct network *net, const char *dir, struct web_data *d,
                       char *errbuf, size_t errlen)
{
    const struct data_spec *s = &net->data;
    const int own = s->format == DATA_IDX;
    char path[4][4096];
    data_path(dir, "train-images-idx3-ubyte", own ? s->train_images : NULL, path[0], 4096);
    data_path(dir, "train-labels-idx1-ubyte", own ? s->train_labels : NULL, path[1], 4096);
    data_path(dir, "t10k-images-idx3-ubyte", own ? s->test_images : NULL, path[2], 4096);
    data_path(dir, "t10k-labels-idx1-ubyte", own ? s->test_labels : NULL, path[3], 4096);
    if (read_idx(path[0], 3, WEB_N_TRAIN, &d->train_images, errbuf, errlen) < 0 ||
        read_idx(path[1], 1, WEB_N_TRAIN, &d->train_labels, errbuf, errlen) < 0 ||
        read_idx(path[2], 3, WEB_N_TEST, &d->test_images, errbuf, errlen) < 0 ||
        read_idx(path[3], 1, WEB_N_TEST, &d->test_labels, errbuf, errlen) < 0)
        return -1;
    snprintf(d->source, sizeof d->source, "%s", path[0]);
    return 0;
}

static void free_digits(struct web_data *d)
{
    netc_idx_free(&d->train_images);
    netc_idx_free(&d->train_labels);
    netc_idx_free(&d->test_images);
    netc_idx_free(&d->test_labels);
}

/* ---- the toolchain ---------------------------------------------------------------- */

static int on_path(const char *prog)
{
    const char *path = getenv("PATH");
    char buf[4096];
    if (strchr(prog, '/'))
        return access(prog, X_OK) == 0;
    for (const char *p = path ? path : "/usr/bin:/bin"; *p; p += *p == ':') {
        size_t n = strcspn(p, ":");
        snprintf(buf, sizeof buf, "%.*s/%s", (int)n, p, prog);
        if (access(buf, X_OK) == 0)
            return 1;
        p += n;
    }
    return 0;
}

/* The first line cc prints for one argument, or "" (cc missing, or failing). */
static void first_line_of(const char *cc, const char *arg, char *out, size_t n)
{
    char cmd[4200];
    out[0] = '\0';
    snprintf(cmd, sizeof cmd, "'%s' --target=wasm32-wasi %s 2>/dev/null", cc, arg);
    if (strchr(cc, '\''))
        return;
    FILE *f = popen(cmd, "r");
    if (!f)
        return;
    if (!fgets(out, (int)n, f))
        out[0] = '\0';
    out[strcspn(out, "\n")] = '\0';
    pclose(f);
}

/* Names every missing piece, with the Debian packages that hold them. */
static int check_toolchain(const char *cc, char *errbuf, size_t errlen)
{
    char missing[1024] = "", resource[4096], builtins[4200], libc[4096];
    if (!on_path(cc))
        strcat(missing, "\n  the C compiler (clang)");
    if (!on_path("wasm-ld"))
        strcat(missing, "\n  wasm-ld, the WebAssembly linker (lld)");
    first_line_of(cc, "-print-file-name=libc.a", libc, sizeof libc);
    if (access(libc, R_OK) != 0 && access("/usr/lib/wasm32-wasi/libc.a", R_OK) != 0)
        strcat(missing, "\n  the C library for wasm32-wasi (wasi-libc)");
    first_line_of(cc, "-print-resource-dir", resource, sizeof resource);
    snprintf(builtins, sizeof builtins, "%s/lib/wasi/libclang_rt.builtins-wasm32.a", resource);
    if (on_path(cc) && access(builtins, R_OK) != 0)
        strcat(missing, "\n  clang's builtins for wasm32 (libclang-rt-14-dev-wasm32)");
    if (!missing[0])
        return 0;
    return emit_fail(errbuf, errlen, "--emit web compiles the page's C to WebAssembly with clang's "
                "wasm32 target; missing:%s\nhint: apt-get install clang lld wasi-libc "
                "libclang-rt-14-dev-wasm32 (or set NETC_WASM_CC to a clang that has them)",
                missing);
}

static int run(char **argv, char *errbuf, size_t errlen)
{
    pid_t pid;
    int status, e = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
    if (e != 0)
        return emit_fail(errbuf, errlen, "cannot run %s: %s", argv[0], strerror(e));
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return emit_fail(errbuf, errlen, "waiting for %s: %s", argv[0], strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return emit_fail(errbuf, errlen, "%s failed compiling the page's C to WebAssembly", argv[0]);
    return 0;
}

/* NAME.c and NAME_web.c -> NAME.wasm: a reactor module (no main), nothing imported, every
 * entry point exported by name in glue.c.  -msimd128: the kernels' 8-float vectors as
 * wasm's 128-bit ones; wasm has no fused multiply-add, so every product rounds alone. */
static int compile_wasm(const struct network *net, const char *cc, const char *outdir,
                        char *errbuf, size_t errlen)
{
    char model[4096], glue[4096], wasm[4096], tmp[4200], inc[4100];
    snprintf(model, sizeof model, "%s/%s.c", outdir, net->name);
    snprintf(glue, sizeof glue, "%s/%s_web.c", outdir, net->name);
    snprintf(wasm, sizeof wasm, "%s/%s.wasm", outdir, net->name);
    snprintf(tmp, sizeof tmp, "%s/.%s.wasm.tmp%ld", outdir, net->name, (long)getpid());
    snprintf(inc, sizeof inc, "-I%s", outdir);
    char *argv[] = {(char *)cc, "--target=wasm32-wasi", "-std=c99", "-O3", "-msimd128",
                    "-mexec-model=reactor", "-fno-math-errno", "-Wl,--strip-debug", inc, model, glue,
                    "-o", tmp, NULL};
    if (run(argv, errbuf, errlen) < 0) {
        remove(tmp);
        return -1;
    }
    if (rename(tmp, wasm) != 0) {
        remove(tmp);
        return emit_fail(errbuf, errlen, "cannot write %s: %s", wasm, strerror(errno));
    }
    return 0;
}

static int read_wasm(const struct network *net, const char *outdir, struct web_data *d,
                     char *errbuf, size_t errlen)
{
    char path[4096];
    netc_error err;
    snprintf(path, sizeof path, "%s/%s.wasm", outdir, net->name);
    if (netc_read_file(path, (size_t)1 << 28, &d->wasm, &d->wasm_size, &err) < 0)
        return emit_fail(errbuf, errlen, "%s", err.msg);
    return 0;
}

int emit_web(const struct network *net, const struct web_options *o, const char *outdir,
             const char *command_line, char *errbuf, size_t errlen)
{
    struct web_data d;
    const char *cc = o->wasm_cc ? o->wasm_cc : "clang";
    memset(&d, 0, sizeof d);
    d.weights = o->weights;
    int rc = check_drawable(net, o, errbuf, errlen);
    if (rc == 0)
        rc = check_toolchain(cc, errbuf, errlen);
    if (rc == 0)
        rc = read_digits(net, o->data_dir, &d, errbuf, errlen);
    if (rc == 0)
        rc = web_write_glue(net, outdir, command_line, errbuf, errlen);
    if (rc == 0)
        rc = compile_wasm(net, cc, outdir, errbuf, errlen);
    if (rc == 0)
        rc = read_wasm(net, outdir, &d, errbuf, errlen);
    if (rc == 0)
        rc = web_write_page(net, &d, outdir, command_line, errbuf, errlen);
    free(d.wasm);
    free_digits(&d);
    return rc;
}

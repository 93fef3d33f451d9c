/* web.c - netc --emit web: the page's C, compiled to WebAssembly, and the page.
 *
 * The order: is the network one the page can draw (28 x 28 inputs, ten classes), the
 * digits it carries (MNIST's IDX files), NAME_web.c (glue.c), the toolchain, NAME.wasm
 * and NAME_relaxed.wasm (clang's wasm32 target, lld, wasi-libc: no shell, no imports),
 * then NAME.html (page.c), which holds everything.  The trainer's NAME.c is already in outdir.
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

/* cc's major version (__clang_major__), 0 if it says none. */
static int clang_major(const char *cc)
{
    char cmd[4200], line[256];
    int major = 0;
    snprintf(cmd, sizeof cmd, "'%s' --target=wasm32-wasi -dM -E -x c /dev/null 2>/dev/null", cc);
    FILE *f = strchr(cc, '\'') ? NULL : popen(cmd, "r");
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "#define __clang_major__ %d", &major) == 1)
            break;
    if (f)
        pclose(f);
    return major;
}

/* The toolchain: the compiler, its version, the linker it runs. */
struct wasm_toolchain {
    const char *cc;
    int major;              /* 16 and later: relaxed SIMD, NAME_relaxed.wasm */
    char ld_path[64];       /* wasm-ld-MAJOR when installed (lld-MAJOR), else "" */
};

/* NETC_WASM_CC, else clang-16 where it is installed (Debian bookworm's clang is 14,
 * whose relaxed SIMD is a draft's), else clang; the linker of the compiler's own
 * version when there is one (clang-16 would run lld 14's wasm-ld, found first). */
static void find_toolchain(const struct web_options *o, struct wasm_toolchain *tc)
{
    tc->cc = o->wasm_cc ? o->wasm_cc : on_path("clang-16") ? "clang-16" : "clang";
    tc->major = clang_major(tc->cc);
    snprintf(tc->ld_path, sizeof tc->ld_path, "wasm-ld-%d", tc->major);
    if (!on_path(tc->ld_path))
        tc->ld_path[0] = '\0';
}

/* Names every missing piece, with the Debian packages that hold them. */
static int check_toolchain(const struct wasm_toolchain *tc, char *errbuf, size_t errlen)
{
    char missing[1024] = "", resource[4096], builtins[4200], libc[4096], ld[4096];
    const char *cc = tc->cc;
    if (!on_path(cc))
        strcat(missing, "\n  the C compiler (clang-16, or clang)");
    first_line_of(cc, "-print-prog-name=wasm-ld", ld, sizeof ld);
    if (!tc->ld_path[0] && !on_path("wasm-ld") && !(ld[0] == '/' && on_path(ld)))
        strcat(missing, "\n  wasm-ld, the WebAssembly linker (lld-16, or lld)");
    first_line_of(cc, "-print-file-name=libc.a", libc, sizeof libc);
    if (access(libc, R_OK) != 0 && access("/usr/lib/wasm32-wasi/libc.a", R_OK) != 0)
        strcat(missing, "\n  the C library for wasm32-wasi (wasi-libc)");
    first_line_of(cc, "-print-resource-dir", resource, sizeof resource);
    snprintf(builtins, sizeof builtins, "%s/lib/wasi/libclang_rt.builtins-wasm32.a", resource);
    if (on_path(cc) && access(builtins, R_OK) != 0)
        snprintf(missing + strlen(missing), sizeof missing - strlen(missing),
                 "\n  clang's builtins for wasm32 (libclang-rt-%d-dev-wasm32)",
                 tc->major ? tc->major : 16);
    if (!missing[0])
        return 0;
    return emit_fail(errbuf, errlen, "--emit web compiles the page's C to WebAssembly with clang's "
                "wasm32 target; missing:%s\nhint: apt-get install clang-16 lld-16 wasi-libc "
                "libclang-rt-16-dev-wasm32 (or set NETC_WASM_CC to a clang that has them)",
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

/* NAME.c and NAME_web.c -> OUTDIR/NAME{suffix}.wasm: a reactor module (no main), nothing
 * imported, every entry point exported by name in glue.c.  -msimd128: the kernels'
 * 8-float vectors as two of wasm's 128-bit ones; with relaxed, -mrelaxed-simd too: the
 * kernels' multiply-adds as f32x4.relaxed_madd (vec.h), fused where the browser's
 * processor has FMA, as the native trainer's are.  -DNETC_DENSE_INPUT=1: the first layer
 * multiplies every input (sparse.h's skipping of zero inputs, the same sums, made the
 * mnist page 1.6x slower: listing the nonzero inputs has no cheap wasm instruction). */
static int compile_wasm(const struct network *net, const struct wasm_toolchain *tc,
                        const char *outdir, int relaxed, char *errbuf, size_t errlen)
{
    char model[4096], glue[4096], wasm[4200], tmp[4300], inc[4100], ld[80];
    const char *suffix = relaxed ? "_relaxed" : "";
    snprintf(model, sizeof model, "%s/%s.c", outdir, net->name);
    snprintf(glue, sizeof glue, "%s/%s_web.c", outdir, net->name);
    snprintf(wasm, sizeof wasm, "%s/%s%s.wasm", outdir, net->name, suffix);
    snprintf(tmp, sizeof tmp, "%s/.%s%s.wasm.tmp%ld", outdir, net->name, suffix, (long)getpid());
    snprintf(inc, sizeof inc, "-I%s", outdir);
    snprintf(ld, sizeof ld, "--ld-path=%s", tc->ld_path);
    char *argv[20] = {(char *)tc->cc, "--target=wasm32-wasi", "-std=c99", "-O3", "-msimd128",
                      "-mexec-model=reactor", "-fno-math-errno", "-DNETC_DENSE_INPUT=1",
                      "-Wl,--strip-debug", inc, model, glue, "-o", tmp};
    int argc = 14;
    if (relaxed)
        argv[argc++] = "-mrelaxed-simd";
    if (tc->ld_path[0]) {             /* used by the link, unclaimed by the compiles */
        argv[argc++] = ld;
        argv[argc++] = "-Wno-unused-command-line-argument";
    }
    argv[argc] = NULL;
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

/* OUTDIR/NAME{suffix}.wasm's bytes into *bytes, *size. */
static int read_wasm(const struct network *net, const char *outdir, const char *suffix,
                     unsigned char **bytes, size_t *size, char *errbuf, size_t errlen)
{
    char path[4200];
    netc_error err;
    snprintf(path, sizeof path, "%s/%s%s.wasm", outdir, net->name, suffix);
    if (netc_read_file(path, (size_t)1 << 28, bytes, size, &err) < 0)
        return emit_fail(errbuf, errlen, "%s", err.msg);
    return 0;
}

/* NAME.wasm (WebAssembly SIMD, every current browser) and, with clang 16 or later,
 * NAME_relaxed.wasm (relaxed SIMD's fused multiply-adds), which the page runs where the
 * browser validates it; their bytes into d. */
static int build_modules(const struct network *net, const struct wasm_toolchain *tc,
                         const char *outdir, struct web_data *d, char *errbuf, size_t errlen)
{
    char stale[4200];
    int rc = compile_wasm(net, tc, outdir, 0, errbuf, errlen);
    if (rc == 0)
        rc = read_wasm(net, outdir, "", &d->wasm, &d->wasm_size, errbuf, errlen);
    if (rc == 0 && tc->major >= 16)
        rc = compile_wasm(net, tc, outdir, 1, errbuf, errlen);
    if (rc == 0 && tc->major >= 16)
        rc = read_wasm(net, outdir, "_relaxed", &d->relaxed, &d->relaxed_size, errbuf, errlen);
    if (rc == 0 && tc->major < 16) {     /* not an older run's module beside this one */
        snprintf(stale, sizeof stale, "%s/%s_relaxed.wasm", outdir, net->name);
        remove(stale);
    }
    return rc;
}

int emit_web(const struct network *net, const struct web_options *o, const char *outdir,
             const char *command_line, char *errbuf, size_t errlen)
{
    struct web_data d;
    struct wasm_toolchain tc;
    memset(&d, 0, sizeof d);
    d.weights = o->weights;
    int rc = check_drawable(net, o, errbuf, errlen);
    if (rc == 0) {
        find_toolchain(o, &tc);
        rc = check_toolchain(&tc, errbuf, errlen);
    }
    if (rc == 0)
        rc = read_digits(net, o->data_dir, &d, errbuf, errlen);
    if (rc == 0)
        rc = web_write_glue(net, outdir, command_line, errbuf, errlen);
    if (rc == 0)
        rc = build_modules(net, &tc, outdir, &d, errbuf, errlen);
    if (rc == 0)
        rc = web_write_page(net, &d, outdir, command_line, errbuf, errlen);
    free(d.wasm);
    free(d.relaxed);
    free_digits(&d);
    return rc;
}

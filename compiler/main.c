/* main.c - the netc command line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "front/source.h"        /* .net file -> bytes */
#include "front/diag.h"
#include "front/parse.h"         /* bytes -> tokens -> syntax tree */
#include "check/check.h"         /* syntax tree -> checked network */
#include "check/network.h"
#include "describe/summary.h"    /* checked network -> --summary table */
#include "describe/dot.h"        /*                  -> --emit dot */
#include "trainer/trainer.h"     /*                  -> trainer sources (netc FILE) */
#include "infer/weights.h"       /*                  -> inference export (--emit infer): */
#include "infer/calibration.h"
#include "infer/quantize.h"
#include "infer/int8_integer.h"
#include "infer/infer.h"
#include "onnx/import.h"         /* .onnx -> .net + safetensors (netc import) */
#include "onnx/export.h"         /* checked network -> ONNX model (--emit onnx) */
#include "web/web.h"             /* trainer sources -> a page running them (--emit web) */
#include "build.h"               /* trainer sources -> trainer binary (netc build) */
#include "locate.h"              /* where the runtime it links is */

/* Exit statuses, stable for scripts. */
enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2 };

enum mode { MODE_GENERATE, MODE_BUILD, MODE_CHECK, MODE_SUMMARY, MODE_DOT, MODE_INFER, MODE_IMPORT,
            MODE_ONNX, MODE_WEB };

struct options {
    enum mode mode;
    const char *input;
    const char *outdir;
    int werror;
    const char *weights;    /* --weights, for --emit infer */
    int allow_other_network;    /* --allow-other-network: weights saved by another network */
    enum { QUANTIZE_NONE, QUANTIZE_INT8, QUANTIZE_INT8_INTEGER } quantize;  /* --quantize KIND */
    const char *calibration;    /* --calibration FILE, for --quantize */
    int mpi;                /* netc build --mpi */
    int plain;              /* --plain: the layers' sums as plain loops */
    struct onnx_import_options onnx;    /* netc import's --name, --log-softmax */
    const char *data;       /* --data DIR, for --emit web */
};

static void usage(FILE *out)
{
    fputs("usage: netc [options] FILE.net            generate NAME.h, NAME.c, NAME_kernels.h, NAME_main.c\n"
          "       netc build [options] FILE.net      generate and compile the trainer DIR/NAME\n"
          "       netc --check FILE.net              check only\n"
          "       netc --summary FILE.net            per-layer shapes, parameters and memory\n"
          "       netc --emit dot FILE.net           the structure as a Graphviz graph (stdout)\n"
          "       netc --emit infer --weights W.safetensors [--quantize int8|int8-integer] FILE.net\n"
          "                                          NAME.h, NAME.c: inference code, weights built in\n"
          "       netc --emit onnx --weights W.safetensors FILE.net -o MODEL.onnx\n"
          "                                          the forward pass as an ONNX model\n"
          "       netc import MODEL.onnx -o DIR      DIR/NAME.net, DIR/NAME.safetensors from an ONNX\n"
          "                                          model (--emit infer MODEL.onnx: import, export)\n"
          "       netc --emit web [--weights W.safetensors] FILE.net -o DIR\n"
          "                                          DIR/NAME.html: draw a digit, watch it think and\n"
          "                                          learn, the generated C as WebAssembly\n"
          "\n"
          "options:\n"
          "  -o DIR          where generated files (and the trainer) go, created if missing [.]\n"
          "  --check         check the description, write nothing\n"
          "  --summary       print the per-layer table (after checking)\n"
          "  --emit KIND     what to write: c (the model and trainer sources) [c], dot,\n"
          "                  infer (the forward pass with trained weights; docs/export.md)\n"
          "                  onnx (the same as an ONNX model, -o FILE.onnx; docs/onnx.md)\n"
          "                  or web (a page that opens from file://: docs/web.md; needs\n"
          "                  clang, lld, wasi-libc, libclang-rt-14-dev-wasm32)\n"
          "  --data DIR      with --emit web: MNIST's IDX files, for the digits the page\n"
          "                  carries [the .net file's data block, else data/mnist]\n"
          "  --weights FILE  the trained weights (safetensors) for --emit infer\n"
          "  --allow-other-network  with --weights: take a file saved by another network\n"
          "                  whose tensors have the same names and shapes (docs/weights.md)\n"
          "  --quantize int8 with --emit infer: int8 weights (a scale per output) and int8\n"
          "                  layer inputs (a scale per layer, calibrated on the first 2000\n"
          "                  training samples), sums in int32; prints each layer's error\n"
          "                  against the float network on stdout (docs/export.md)\n"
          "  --quantize int8-integer  the same with integers only: int32 biases, fixed-point\n"
          "                  rescaling, tables for sigmoid and tanh, int8 in and out; no\n"
          "                  float anywhere, for processors without an FPU\n"
          "  --calibration FILE  the training samples for --quantize: IDX images, or CSV\n"
          "                  rows (features, or features and label) [the data block's\n"
          "                  training file]\n"
          "  --name NAME     with import: the network's name [the model file's name]\n"
          "  --log-softmax softmax|linear  with import: write a final LogSoftmax, which netc\n"
          "                  cannot express, as softmax (outputs e^y) or linear (the logits)\n"
          "                  [refused]\n"
          "  --mpi           with build: a trainer that runs under mpirun, data-parallel\n"
          "                  (compiled with $MPICC [mpicc]; docs/scaling.md)\n"
          "  --plain         the same trainer with each layer's sums written out as plain\n"
          "                  loops under their equations in NAME.c, for reading and stepping\n"
          "                  through in a debugger: slower, the same results within float\n"
          "                  rounding (docs/trainer.md)\n"
          "  -Werror         treat warnings as errors\n"
          "  -h, --help      this text\n"
          "  -V, --version   netc's version and the runtime netc build uses\n"
          "  --print-runtime-dir  the directory of the runtime's headers netc build uses\n"
          "                  (NETC_RUNTIME_DIR and NETC_RUNTIME_LIB override; netc(1))\n"
          "\n"
          "netc build honours CC [cc], MPICC [mpicc] and CFLAGS [-O3 -march=native]\n"
          "(after -fno-math-errno, which changes no result).\n"
          "Exit status: 0 success, 1 errors in the input, 2 usage or I/O errors.\n"
          "The language: docs/language.md.\n", out);
}

static int bad_usage(const char *fmt, const char *arg)
{
    fputs("netc: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\ntry 'netc --help'\n", stderr);
    return EXIT_USAGE;
}

static int is_onnx(const char *path)
{
    const size_t n = strlen(path);
    return n > 5 && strcmp(path + n - 5, ".onnx") == 0;
}

/* netc's version, then the runtime `netc build` would use (or why there is none). */
static int print_version(void)
{
    struct runtime_paths rt;
    char err[2 * LOCATE_PATH_MAX];
    printf("netc %s\n", NETC_VERSION);
    if (runtime_locate(&rt, err, sizeof err) < 0)
        printf("runtime: none found (%s)\n", err);
    else
        printf("runtime headers: %s\nruntime library: %s\nMPI driver:      %s\n",
               rt.include, rt.lib, rt.mpi);
    return EXIT_OK;
}

static int print_runtime_dir(void)
{
    struct runtime_paths rt;
    char err[2 * LOCATE_PATH_MAX];
    if (runtime_locate(&rt, err, sizeof err) < 0) {
        fprintf(stderr, "netc: %s\n", err);
        return EXIT_USAGE;
    }
    printf("%s\n", rt.include);
    return EXIT_OK;
}

/* Returns -1 to go on, or an exit status (help, version, usage errors). */
static int parse_options(int argc, char **argv, struct options *o)
{
    int i = 1;
    if (argc > 1 && strcmp(argv[1], "build") == 0) {
        o->mode = MODE_BUILD;
        i = 2;
    } else if (argc > 1 && strcmp(argv[1], "import") == 0) {
        o->mode = MODE_IMPORT;
        i = 2;
    }
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return EXIT_OK;
        } else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
            return print_version();
        } else if (strcmp(a, "--print-runtime-dir") == 0) {
            return print_runtime_dir();
        } else if (strcmp(a, "--check") == 0) {
            o->mode = MODE_CHECK;
        } else if (strcmp(a, "--summary") == 0) {
            o->mode = MODE_SUMMARY;
        } else if (strcmp(a, "--emit") == 0) {
            if (++i == argc)
                return bad_usage("%s needs a kind: c, dot, infer, onnx or web", a);
            if (strcmp(argv[i], "dot") == 0)
                o->mode = MODE_DOT;
            else if (strcmp(argv[i], "infer") == 0)
                o->mode = MODE_INFER;
            else if (strcmp(argv[i], "onnx") == 0)
                o->mode = MODE_ONNX;
            else if (strcmp(argv[i], "web") == 0)
                o->mode = MODE_WEB;
            else if (strcmp(argv[i], "c") != 0)
                return bad_usage("unknown --emit kind '%s' (c, dot, infer, onnx or web)", argv[i]);
        } else if (strcmp(a, "--weights") == 0) {
            if (++i == argc)
                return bad_usage("%s needs a weights file", a);
            o->weights = argv[i];
        } else if (strcmp(a, "--allow-other-network") == 0) {
            o->allow_other_network = 1;
        } else if (strcmp(a, "--quantize") == 0) {
            if (++i == argc)
                return bad_usage("%s needs a kind: int8 or int8-integer", a);
            if (strcmp(argv[i], "int8") == 0)
                o->quantize = QUANTIZE_INT8;
            else if (strcmp(argv[i], "int8-integer") == 0)
                o->quantize = QUANTIZE_INT8_INTEGER;
            else
                return bad_usage("unknown --quantize kind '%s'\nhint: netc quantises to int8 "
                                 "only: --quantize int8 (or int8-integer)", argv[i]);
        } else if (strcmp(a, "--calibration") == 0) {
            if (++i == argc)
                return bad_usage("%s needs a file of training samples", a);
            o->calibration = argv[i];
        } else if (strcmp(a, "--name") == 0) {
            if (++i == argc)
                return bad_usage("%s needs a network name", a);
            o->onnx.name = argv[i];
        } else if (strcmp(a, "--log-softmax") == 0) {
            if (++i == argc)
                return bad_usage("%s needs a kind: softmax or linear", a);
            if (strcmp(argv[i], "softmax") != 0 && strcmp(argv[i], "linear") != 0)
                return bad_usage("unknown --log-softmax kind '%s' (softmax or linear)", argv[i]);
            o->onnx.log_softmax = strcmp(argv[i], "softmax") == 0 ? ACT_SOFTMAX : ACT_LINEAR;
        } else if (strcmp(a, "--data") == 0) {
            if (++i == argc)
                return bad_usage("%s needs a directory of MNIST's IDX files", a);
            o->data = argv[i];
        } else if (strcmp(a, "--mpi") == 0) {
            o->mpi = 1;
        } else if (strcmp(a, "--plain") == 0) {
            o->plain = 1;
        } else if (strcmp(a, "-Werror") == 0) {
            o->werror = 1;
        } else if (strcmp(a, "-o") == 0) {
            if (++i == argc)
                return bad_usage("%s needs a directory", a);
            o->outdir = argv[i];
        } else if (a[0] == '-' && a[1] != '\0') {
            return bad_usage("unknown option '%s'", a);
        } else if (o->input) {
            return bad_usage("more than one input file ('%s')", a);
        } else {
            o->input = a;
        }
    }
    if (!o->input)
        return bad_usage("%s", "no input file");
    const int from_onnx = o->mode == MODE_IMPORT || (o->mode == MODE_INFER && is_onnx(o->input));
    if (from_onnx && o->weights)
        return bad_usage("%s", "--weights: the weights come from the ONNX model");
    if (o->mode == MODE_INFER && !o->weights && !from_onnx)
        return bad_usage("%s", "--emit infer needs --weights FILE (a trained network's weights)");
    if (o->mode == MODE_ONNX && !o->weights)
        return bad_usage("%s", "--emit onnx needs --weights FILE (a trained network's weights)");
    if (o->mode != MODE_INFER && o->mode != MODE_ONNX && o->mode != MODE_WEB && o->weights)
        return bad_usage("%s", "--weights is only for --emit infer, onnx and web");
    if (o->allow_other_network && !o->weights)
        return bad_usage("%s", "--allow-other-network is only for --weights FILE");
    if (o->mode != MODE_WEB && o->data)
        return bad_usage("%s", "--data is only for --emit web");
    if (!from_onnx && (o->onnx.name || o->onnx.log_softmax >= 0))
        return bad_usage("%s", "--name and --log-softmax are only for netc import (or --emit infer MODEL.onnx)");
    if (o->mode != MODE_INFER && o->quantize)
        return bad_usage("%s", "--quantize is only for --emit infer (with --weights FILE)");
    if (o->mpi && o->mode != MODE_BUILD)
        return bad_usage("%s", "--mpi is only for netc build");
    if (o->plain && o->mode != MODE_GENERATE && o->mode != MODE_BUILD)
        return bad_usage("%s", "--plain is only for the trainer's sources (netc FILE.net, netc build)");
    if (!o->quantize && o->calibration)
        return bad_usage("%s", "--calibration is only for --quantize int8 and int8-integer");
    return -1;
}

static char *joined_command_line(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *s = calloc(1, len);
    for (int i = 0; s && i < argc; i++) {
        strcat(s, argv[i]);
        if (i + 1 < argc)
            strcat(s, " ");
    }
    return s;
}

/* Whether the command needs the network alone, not its training (--check asks about
 * the trainer, netc's default output). */
static int forward_only(const struct options *o)
{
    return o->mode == MODE_SUMMARY || o->mode == MODE_DOT || o->mode == MODE_INFER ||
           o->mode == MODE_IMPORT || o->mode == MODE_ONNX;
}

/* Read, parse and check: 0 with a network, or an exit status. */
static int front_end(const struct options *o, struct network *net)
{
    struct source src;
    if (source_read(o->input, &src) < 0)
        return EXIT_USAGE;
    struct diag d;
    diag_init(&d, o->input, src.bytes, src.len, stderr);
    d.warnings_are_errors = o->werror;
    char fann[40];
    if (source_fann_version(&src, fann, sizeof fann)) {
        struct loc magic = { 1, 1, 1, (int)strlen(fann) };
        diag_error(&d, magic, "this is a FANN network file (%s), not a netc description", fann);
        diag_hint(&d, "netc reads its own .net language (docs/language.md); FANN saves trained networks in this format");
        source_free(&src);
        return EXIT_INPUT;
    }
    struct syntax tree;
    parse_source(&d, src.bytes, src.len, &tree);
    if (d.errors == 0 || !diag_too_many(&d))
        check_network(&d, &tree, forward_only(o) ? CHECK_FOR_FORWARD : CHECK_FOR_TRAINER, net);
    syntax_free(&tree);
    net->source_path = strdup(o->input);
    net->source_hash = source_hash(&src);
    source_free(&src);
    if (d.errors > 0) {
        fprintf(stderr, "%d error%s generated.\n", d.errors, d.errors == 1 ? "" : "s");
        return EXIT_INPUT;
    }
    return 0;
}

/* mkdir -p: dir and any missing parents. */
static int make_dir(const char *dir)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s", dir);
    if (n <= 0 || (size_t)n >= sizeof path) {
        fprintf(stderr, "netc: cannot create directory '%s': %s\n", dir,
                strerror(n <= 0 ? ENOENT : ENAMETOOLONG));
        return -1;
    }
    for (char *p = path + 1; ; p++) {   /* path[0] is '/' or a name's first byte */
        if (*p != '/' && *p != '\0')
            continue;
        const char saved = *p;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "netc: cannot create directory %s: %s\n", path, strerror(errno));
            return -1;
        }
        *p = saved;
        if (saved == '\0')
            return 0;
    }
}

static int generate(const struct options *o, const struct network *net, int argc, char **argv)
{
    const char *outdir = o->outdir ? o->outdir : ".";
    if (make_dir(outdir) < 0)
        return EXIT_USAGE;
    char *cmd = joined_command_line(argc, argv);
    char err[1024];
    int rc = emit_model(net, outdir, cmd ? cmd : "netc", o->plain, err, sizeof err);
    free(cmd);
    if (rc < 0) {
        fprintf(stderr, "netc: %s\n", err);
        return EXIT_USAGE;
    }
    if (o->mode == MODE_BUILD && build_trainer(net, outdir, o->mpi) < 0)
        return EXIT_USAGE;
    return EXIT_OK;
}

/* --quantize int8: the calibration samples, then the quantised weights and scales.
 * EXIT_OK, or EXIT_USAGE when there is no calibration file to read, or EXIT_INPUT. */
static int quantize(const struct options *o, const struct network *net,
                    const struct export_weights *w, struct calibration_set *c,
                    struct quantized *q)
{
    char err[1024];
    int rc = calibration_load(net, o->calibration, c, err, sizeof err);
    if (rc == 0)
        rc = quantize_int8(net, w, c, q, err, sizeof err);
    if (rc == 0)
        return EXIT_OK;
    fprintf(stderr, "netc: error: %s\n", err);
    return rc == -2 ? EXIT_USAGE : EXIT_INPUT;
}

/* --emit infer: the weights, checked against the network, quantised with --quantize, then
 * NAME.h and NAME.c (and the quantisation's error table on stdout). */
static int export_infer(const struct options *o, const struct network *net, int argc, char **argv)
{
    const char *outdir = o->outdir ? o->outdir : ".";
    struct export_weights w;
    struct calibration_set calibration;
    struct quantized q;
    struct integer_net iq;
    char err[1024];
    memset(&calibration, 0, sizeof calibration);
    memset(&q, 0, sizeof q);
    memset(&iq, 0, sizeof iq);
    int rc = EXIT_OK;
    if (export_weights_read(net, o->weights, o->allow_other_network, &w, err, sizeof err) < 0) {
        fprintf(stderr, "netc: error: %s\n", err);
        rc = EXIT_INPUT;
    } else if (o->quantize) {
        rc = quantize(o, net, &w, &calibration, &q);
    }
    const int integer = o->quantize == QUANTIZE_INT8_INTEGER;
    if (rc == EXIT_OK && integer &&
        integer_quantize(net, &w, &q, &calibration, &iq, err, sizeof err) != 0) {
        fprintf(stderr, "netc: error: %s\n", err);
        rc = EXIT_INPUT;
    }
    char *cmd = NULL;
    if (rc == EXIT_OK && make_dir(outdir) < 0)
        rc = EXIT_USAGE;
    if (rc == EXIT_OK) {
        cmd = joined_command_line(argc, argv);
        if ((integer ? emit_infer_integer(net, &w, &q, &iq, outdir, cmd ? cmd : "netc", err,
                                          sizeof err)
                     : emit_infer(net, &w, o->quantize ? &q : NULL, outdir, cmd ? cmd : "netc",
                                  err, sizeof err)) != 0) {
            fprintf(stderr, "netc: %s\n", err);
            rc = EXIT_USAGE;
        }
    }
    if (rc == EXIT_OK && o->quantize == QUANTIZE_INT8)
        quantize_report(stdout, net, &w, &q, &calibration);
    if (rc == EXIT_OK && integer)
        integer_report(stdout, net, &w, &q, &iq, &calibration);
    free(cmd);
    integer_free(net, &iq);
    quantize_free(net, &q);
    calibration_free(&calibration);
    export_weights_free(net, &w);
    return rc;
}

/* netc import, and the first step of --emit infer MODEL.onnx: DIR/NAME.net and
 * DIR/NAME.safetensors, which then stand in for the input and --weights. */
static int import_onnx(struct options *o, char *net_path, char *weights_path, size_t len)
{
    const char *outdir = o->outdir ? o->outdir : ".";
    struct onnx_import m;
    char err[1024];
    int rc = onnx_import_read(o->input, &o->onnx, &m, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "netc: error: %s\n", err);
        return rc == -2 ? EXIT_USAGE : EXIT_INPUT;
    }
    rc = make_dir(outdir) < 0 ? EXIT_USAGE : EXIT_OK;
    if (rc == EXIT_OK && onnx_import_write(&m, outdir, net_path, weights_path, len, err, sizeof err) < 0) {
        fprintf(stderr, "netc: error: %s\n", err);
        rc = EXIT_USAGE;
    }
    onnx_import_free(&m);
    o->input = net_path;
    o->weights = weights_path;
    return rc;
}

/* --emit onnx: -o FILE.onnx, or DIR/NAME.onnx for -o DIR (default .). */
static int export_onnx(const struct options *o, const struct network *net)
{
    char path[4096], dir[4096], err[1024];
    const char *out = o->outdir ? o->outdir : ".";
    if (is_onnx(out))
        snprintf(path, sizeof path, "%s", out);
    else
        snprintf(path, sizeof path, "%s/%s.onnx", out, net->name);
    snprintf(dir, sizeof dir, "%s", path);
    *(strrchr(dir, '/') ? strrchr(dir, '/') : dir) = '\0';
    struct export_weights w;
    if (export_weights_read(net, o->weights, o->allow_other_network, &w, err, sizeof err) < 0) {
        fprintf(stderr, "netc: error: %s\n", err);
        return EXIT_INPUT;
    }
    int rc = dir[0] && make_dir(dir) < 0 ? EXIT_USAGE : EXIT_OK;
    if (rc == EXIT_OK && onnx_export(net, &w, path, err, sizeof err) < 0) {
        fprintf(stderr, "netc: %s\n", err);
        rc = EXIT_USAGE;
    }
    export_weights_free(net, &w);
    return rc;
}

/* --emit web: the trainer's sources, then the page around them (web/web.c). */
static int export_web(const struct options *o, const struct network *net, int argc, char **argv)
{
    const char *outdir = o->outdir ? o->outdir : ".";
    struct export_weights w;
    char err[2048];
    if (o->weights &&
        export_weights_read(net, o->weights, o->allow_other_network, &w, err, sizeof err) < 0) {
        fprintf(stderr, "netc: error: %s\n", err);
        return EXIT_INPUT;
    }
    int rc = make_dir(outdir) < 0 ? EXIT_USAGE : EXIT_OK;
    char *cmd = joined_command_line(argc, argv);
    struct web_options web = { .weights = o->weights ? &w : NULL, .data_dir = o->data,
                               .wasm_cc = getenv("NETC_WASM_CC") };
    if (rc == EXIT_OK && (emit_model(net, outdir, cmd ? cmd : "netc", 0, err, sizeof err) < 0 ||
                          emit_web(net, &web, outdir, cmd ? cmd : "netc", err, sizeof err) < 0)) {
        fprintf(stderr, "netc: %s\n", err);
        rc = EXIT_USAGE;
    }
    free(cmd);
    if (o->weights)
        export_weights_free(net, &w);
    return rc;
}

int main(int argc, char **argv)
{
    struct options o = { .mode = MODE_GENERATE, .onnx.log_softmax = -1 };
    int rc = parse_options(argc, argv, &o);
    if (rc >= 0)
        return rc;
    char net_path[4096], weights_path[4096];
    if (o.mode == MODE_IMPORT || (o.mode == MODE_INFER && is_onnx(o.input))) {
        rc = import_onnx(&o, net_path, weights_path, sizeof net_path);
        if (rc != EXIT_OK)
            return rc;
    }
    struct network net;
    memset(&net, 0, sizeof net);
    rc = front_end(&o, &net);
    if (rc == 0) {
        if (o.mode == MODE_SUMMARY)
            summary_print(stdout, &net);
        else if (o.mode == MODE_DOT)
            dot_print(stdout, &net);
        else if (o.mode == MODE_GENERATE || o.mode == MODE_BUILD)
            rc = generate(&o, &net, argc, argv);
        else if (o.mode == MODE_INFER)
            rc = export_infer(&o, &net, argc, argv);
        else if (o.mode == MODE_ONNX)
            rc = export_onnx(&o, &net);
        else if (o.mode == MODE_WEB)
            rc = export_web(&o, &net, argc, argv);
    }
    network_free(&net);
    return rc;
}

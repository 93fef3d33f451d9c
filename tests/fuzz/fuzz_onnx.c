/* fuzz_onnx.c - libFuzzer harness for netc import: any bytes as an .onnx file through
 * protobuf-c and the importer (compiler/onnx/), and a model it accepts written out as
 * .net and safetensors, the .net then read by netc's front end and checker.  Refusals
 * are expected; a crash, a sanitizer report, a leak, a hang, or a .net file the checker
 * refuses (the importer accepted what netc cannot express) is a bug. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check/check.h"
#include "front/diag.h"
#include "front/parse.h"
#include "front/source.h"
#include "onnx/import.h"

/* The written .net file passes the checker, or the run aborts (with its messages). */
static void check_written(const char *path)
{
    struct source src;
    if (source_read(path, &src) < 0)
        abort();
    struct diag d;
    struct syntax tree;
    struct network net;
    memset(&net, 0, sizeof net);
    diag_init(&d, path, src.bytes, src.len, stderr);
    parse_source(&d, src.bytes, src.len, &tree);
    if (d.errors == 0)
        check_network(&d, &tree, CHECK_FOR_FORWARD, &net);
    if (d.errors) {
        fprintf(stderr, "fuzz_onnx: netc import wrote a .net file the checker refuses:\n%s", src.bytes);
        abort();
    }
    syntax_free(&tree);
    network_free(&net);
    source_free(&src);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/netc-fuzz-XXXXXX", dir[] = "/tmp/netc-fuzz-onnx-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    FILE *f = fdopen(fd, "wb");
    if (f && fwrite(data, 1, size, f) == size && fclose(f) == 0) {
        struct onnx_import_options opt = { .name = NULL, .log_softmax = size % 2 ? ACT_SOFTMAX : -1 };
        struct onnx_import m;
        char err[1024], net[4096], weights[4096];
        if (onnx_import_read(path, &opt, &m, err, sizeof err) == 0) {
            if (mkdtemp(dir)) {
                if (onnx_import_write(&m, dir, net, weights, sizeof net, err, sizeof err) == 0) {
                    check_written(net);
                    unlink(net);
                    unlink(weights);
                }
                rmdir(dir);
            }
            onnx_import_free(&m);
        }
    } else if (f) {
        fclose(f);
    }
    unlink(path);
    return 0;
}

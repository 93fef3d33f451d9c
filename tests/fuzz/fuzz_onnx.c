/* fuzz_onnx.c - libFuzzer harness for netc import: any bytes as an .onnx file through
 * protobuf-c and the importer (compiler/onnx/), and a model it accepts written out as
 * .net and safetensors.  Refusals are expected; a crash, a sanitizer report, a leak or
 * a hang is a bug. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "onnx/import.h"

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

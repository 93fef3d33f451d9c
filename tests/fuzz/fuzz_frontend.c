/* fuzz_frontend.c - libFuzzer harness: any bytes through the lexer, parser and checker.
 * A crash, a sanitizer report or a hang is a bug; error messages are expected. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "front/diag.h"
#include "front/parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *sink = fopen("/dev/null", "w");
    if (!sink)
        return 0;
    struct diag d;
    diag_init(&d, "fuzz.net", (const char *)data, size, sink);
    struct syntax tree;
    struct network net;
    memset(&net, 0, sizeof net);
    parse_source(&d, (const char *)data, size, &tree);
    if (!diag_too_many(&d))
        check_network(&d, &tree, CHECK_FOR_TRAINER, &net);
    syntax_free(&tree);
    network_free(&net);
    fclose(sink);
    return 0;
}

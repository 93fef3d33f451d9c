/* fuzz_reader.c - libFuzzer harness for one of the runtime's file readers, chosen at
 * compile time: -DREADER_IDX, -DREADER_CSV or -DREADER_SAFETENSORS.  The readers take
 * paths, so each input is written to a temporary file first.  Every input must end in
 * success or a reported error: no crash, no sanitizer report, no huge allocation. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "io/csv.h"
#include "io/idx.h"
#include "io/safetensors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_it(const char *path)
{
    netc_error err;
#if defined(READER_IDX)
    netc_idx idx;
    for (int rank = 1; rank <= 3; rank += 2)
        if (netc_idx_read(path, rank, &idx, &err) == 0)
            netc_idx_free(&idx);
#elif defined(READER_CSV)
    netc_csv_options opt = { 0 };
    netc_dataset ds;
    opt.header = 1;
    opt.has_label = 1;
    opt.label_column = NETC_LABEL_LAST;
    if (netc_dataset_load_csv(&ds, path, &opt, &err) == 0)
        netc_dataset_free(&ds);
#elif defined(READER_SAFETENSORS)
    netc_st_file f;
    if (netc_st_read(path, &f, &err) == 0)
        netc_st_free(&f);
#else
#error "define READER_IDX, READER_CSV or READER_SAFETENSORS"
#endif
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/netc-fuzz-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    FILE *f = fdopen(fd, "wb");
    if (f && fwrite(data, 1, size, f) == size && fclose(f) == 0)
        read_it(path);
    else if (f)
        fclose(f);
    unlink(path);
    return 0;
}

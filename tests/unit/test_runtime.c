/* test_runtime.c - CUnit suites for the runtime library: IDX, CSV, safetensors,
 * datasets and targets, RNG, command line, checkpoints.  Every test writes its files under one
 * mkdtemp directory, removed by the suite cleanup. */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "netc_runtime.h"
#include "test_util.h"

static const char *write_bytes(char *buf, size_t size, const char *name, const void *data,
                               size_t len)
{
    FILE *f = fopen(test_path(buf, size, name), "wb");

    CU_ASSERT_FATAL(f != NULL);
    CU_ASSERT_FATAL(fwrite(data, 1, len, f) == len);
    fclose(f);
    return buf;
}

static const char *write_text(char *buf, size_t size, const char *name, const char *text)
{
    return write_bytes(buf, size, name, text, strlen(text));
}

/* Asserts that err holds every fragment (NULL-terminated list). */
static void assert_msg(const netc_error *err, const char *const *fragments)
{
    for (; *fragments; fragments++) {
        if (!strstr(err->msg, *fragments))
            fprintf(stderr, "\n  message \"%s\"\n  lacks \"%s\"\n", err->msg, *fragments);
        CU_ASSERT(strstr(err->msg, *fragments) != NULL);
    }
}
#define ASSERT_MSG(err, ...) assert_msg(err, (const char *const[]){ __VA_ARGS__, NULL })

/* ---- IDX ------------------------------------------------------------------------ */

/* An IDX image file of n 2x3 images (bytes 0, 1, 2, ...) and a label file. */
static size_t make_images(unsigned char *b, unsigned n, int magic_low)
{
    unsigned char h[16] = { 0, 0, 8, (unsigned char)magic_low, 0, 0, 0, (unsigned char)n,
                            0, 0, 0, 2, 0, 0, 0, 3 };
    size_t i;

    memcpy(b, h, 16);
    for (i = 0; i < 6 * n; i++)
        b[16 + i] = (unsigned char)(i == 0 ? 255 : i);
    return 16 + 6 * n;
}

static size_t make_labels(unsigned char *b, unsigned n, unsigned char first)
{
    unsigned char h[8] = { 0, 0, 8, 1, 0, 0, 0, (unsigned char)n };
    unsigned i;

    memcpy(b, h, 8);
    for (i = 0; i < n; i++)
        b[8 + i] = (unsigned char)(i == 0 ? first : i % 10);
    return 8 + n;
}

static void test_idx_good(void)
{
    unsigned char img[64], lab[16];
    char pi[256], pl[256];
    netc_dataset ds;
    netc_error err;

    write_bytes(pi, sizeof pi, "img", img, make_images(img, 3, 3));
    write_bytes(pl, sizeof pl, "lab", lab, make_labels(lab, 3, 7));
    CU_ASSERT_FATAL(netc_dataset_load_idx(&ds, pi, pl, 1, &err) == 0);
    CU_ASSERT(ds.n == 3 && ds.n_input == 6 && ds.rank == 2);
    CU_ASSERT(ds.shape[0] == 2 && ds.shape[1] == 3);
    CU_ASSERT(ds.x[0] == 1.0f);
    CU_ASSERT(fabsf(ds.x[7] - 7 / 255.0f) < 1e-7f);
    CU_ASSERT(ds.labels[0] == 7 && ds.labels[2] == 2);
    netc_dataset_free(&ds);
    CU_ASSERT_FATAL(netc_dataset_load_idx(&ds, pi, NULL, 0, &err) == 0);
    CU_ASSERT(ds.x[0] == 255.0f && ds.x[7] == 7.0f && ds.labels == NULL);
    netc_dataset_free(&ds);
}

static void expect_idx_error(const unsigned char *b, size_t len, int rank, const char *frag1,
                             const char *frag2)
{
    char p[256];
    netc_idx idx;
    netc_error err;

    write_bytes(p, sizeof p, "bad.idx", b, len);
    CU_ASSERT(netc_idx_read(p, rank, &idx, &err) == -1);
    CU_ASSERT(idx.data == NULL);
    ASSERT_MSG(&err, "bad.idx: byte ", frag1, frag2);
}

static void test_idx_bad_magic(void)
{
    unsigned char b[64];
    size_t n = make_images(b, 2, 3);

    b[0] = 0x12;
    expect_idx_error(b, n, 3, "byte 0: bad magic 0x12000803", "expected 0x00000803");
    b[0] = 0x1f;
    b[1] = 0x8b;
    expect_idx_error(b, n, 3, "gzip", "gunzip");
    make_images(b, 2, 3);
    b[2] = 0x0d;
    expect_idx_error(b, n, 3, "byte 2: data type 0x0d", "unsigned bytes");
    make_images(b, 2, 1);      /* labels magic where images are expected */
    expect_idx_error(b, n, 3, "byte 3: 1 dimension", "swapped");
}

static void test_idx_truncated(void)
{
    unsigned char b[64];
    size_t n = make_images(b, 3, 3);

    expect_idx_error(b, 2, 3, "byte 0", "too short");
    expect_idx_error(b, 10, 3, "ends inside the header", "16 bytes");
    expect_idx_error(b, 16, 3, "the header declares", "truncated");
    expect_idx_error(b, n - 1, 3, "17 follow it", "truncated");
    b[n] = 0;
    expect_idx_error(b, n + 1, 3, "byte 34: 1 bytes after", "corrupt");
}

static void test_idx_huge_dims(void)
{
    unsigned char b[64];
    size_t n = make_images(b, 3, 3);

    memcpy(b + 4, "\x7f\xff\xff\xff\x7f\xff\xff\xff\x7f\xff\xff\xff", 12);
    expect_idx_error(b, n, 3, "byte 16: the header declares 2147483647 x 2147483647 x 2147483647", "only 18");
    memcpy(b + 4, "\xff\xff\xff\xff", 4);
    expect_idx_error(b, n, 3, "byte 4: dimension 0 is 4294967295", "expected 1 to");
    memcpy(b + 4, "\0\0\0\0", 4);
    expect_idx_error(b, n, 3, "dimension 0 is 0", "expected 1");
}

static void test_idx_count_mismatch(void)
{
    unsigned char img[64], lab[16];
    char pi[256], pl[256];
    netc_dataset ds;
    netc_error err;

    write_bytes(pi, sizeof pi, "img", img, make_images(img, 3, 3));
    write_bytes(pl, sizeof pl, "lab", lab, make_labels(lab, 2, 0));
    CU_ASSERT(netc_dataset_load_idx(&ds, pi, pl, 1, &err) == -1);
    ASSERT_MSG(&err, "lab: 2 labels but ", "img has 3 images");
    CU_ASSERT(ds.x == NULL && ds.labels == NULL);
}

static void test_idx_label_range(void)
{
    unsigned char img[64], lab[16];
    char pi[256], pl[256];
    netc_dataset ds;
    netc_error err;
    netc_model m;

    memset(&m, 0, sizeof m);
    write_bytes(pi, sizeof pi, "img", img, make_images(img, 3, 3));
    write_bytes(pl, sizeof pl, "lab", lab, make_labels(lab, 3, 12));
    CU_ASSERT_FATAL(netc_dataset_load_idx(&ds, pi, pl, 1, &err) == 0);
    m.n_output = 13;
    m.data.targets = NETC_TARGETS_ONE_HOT;
    CU_ASSERT(netc_dataset_check_labels(&ds, &m, &err) == 0);
    m.n_output = 10;
    CU_ASSERT(netc_dataset_check_labels(&ds, &m, &err) == -1);
    ASSERT_MSG(&err, "lab: sample 0: label 12 is out of range", "10 outputs (labels 0 to 9)");
    netc_dataset_free(&ds);
}

/* ---- CSV ------------------------------------------------------------------------ */

static netc_csv_options csv_opts(int header, enum netc_label_column where, int index)
{
    netc_csv_options o = { 0 };

    o.header = header;
    o.has_label = 1;
    o.label_column = where;
    o.label_index = index;
    return o;
}

static void test_csv_good(void)
{
    char p[256];
    netc_dataset ds;
    netc_error err;
    netc_csv_options o = csv_opts(1, NETC_LABEL_LAST, 0);

    write_text(p, sizeof p, "good.csv", "x,y,label\r\n1.5, -2 ,1\r\n\r\n3e2,4,0\r\n");
    CU_ASSERT_FATAL(netc_dataset_load_csv(&ds, p, &o, &err) == 0);
    CU_ASSERT(ds.n == 2 && ds.n_input == 2);
    CU_ASSERT(ds.x[0] == 1.5f && ds.x[1] == -2.0f && ds.x[2] == 300.0f && ds.x[3] == 4.0f);
    CU_ASSERT(ds.labels[0] == 1 && ds.labels[1] == 0);
    netc_dataset_free(&ds);
}

static void test_csv_label_columns(void)
{
    char p[256];
    netc_dataset ds;
    netc_error err;
    netc_csv_options o = csv_opts(0, NETC_LABEL_FIRST, 0);

    write_text(p, sizeof p, "cols.csv", "2,10,20\n3,30,40");     /* no final newline */
    CU_ASSERT_FATAL(netc_dataset_load_csv(&ds, p, &o, &err) == 0);
    CU_ASSERT(ds.labels[0] == 2 && ds.labels[1] == 3 && ds.x[0] == 10 && ds.x[3] == 40);
    netc_dataset_free(&ds);
    o = csv_opts(0, NETC_LABEL_INDEX, 1);
    write_text(p, sizeof p, "cols.csv", "2,1,20\n3,0,40\n");
    CU_ASSERT_FATAL(netc_dataset_load_csv(&ds, p, &o, &err) == 0);
    CU_ASSERT(ds.labels[0] == 1 && ds.labels[1] == 0 && ds.x[0] == 2 && ds.x[1] == 20);
    netc_dataset_free(&ds);
    o.label_index = 3;
    CU_ASSERT(netc_dataset_load_csv(&ds, p, &o, &err) == -1);
    ASSERT_MSG(&err, "cols.csv:1:1: label column 3", "only 3 fields");
    o.has_label = 0;        /* predict: every column a feature */
    CU_ASSERT_FATAL(netc_dataset_load_csv(&ds, p, &o, &err) == 0);
    CU_ASSERT(ds.n_input == 3 && ds.labels == NULL && ds.x[5] == 40);
    netc_dataset_free(&ds);
}

static void expect_csv_error(const char *text, int header, const char *frag1, const char *frag2)
{
    char p[256];
    netc_dataset ds;
    netc_error err;
    netc_csv_options o = csv_opts(header, NETC_LABEL_LAST, 0);

    write_text(p, sizeof p, "bad.csv", text);
    CU_ASSERT(netc_dataset_load_csv(&ds, p, &o, &err) == -1);
    CU_ASSERT(ds.x == NULL);
    ASSERT_MSG(&err, frag1, frag2);
}

static void test_csv_errors(void)
{
    expect_csv_error("1,2,3\n4,5\n", 0, "bad.csv:2:4: row has 2 fields", "expected 3");
    expect_csv_error("1,2,3\r\n4,5,6,7\r\n", 0, "bad.csv:2:7: row has 4 fields", "expected 3");
    expect_csv_error("1,2,3\n4,abc,1\n", 0, "bad.csv:2:3: expected a number", "found 'abc'");
    expect_csv_error("1,2,3\n4,,1\n", 0, "bad.csv:2:3: empty field", "expected a number");
    expect_csv_error("1,2,3\n4, nan,1\n", 0, "bad.csv:2:4: found 'nan'", "NaN");
    expect_csv_error("1,2,3\n4,1e999,1\n", 0, "bad.csv:2:3", "infinite");
    expect_csv_error("1,-inf,3\n", 0, "bad.csv:1:3", "infinite");
    expect_csv_error("", 0, "bad.csv:1:1: the file is empty", "expected rows");
    expect_csv_error("\n\r\n", 0, "bad.csv", "empty");
    expect_csv_error("a,b,c\n", 1, "bad.csv:2:1: only a header row", "expected rows");
    expect_csv_error("a,b,c\n1,2,3\n", 0, "bad.csv:1:1: expected a number, found 'a'",
                     "hint: if the first line is a header, pass --header");
    expect_csv_error("1;2;3\n", 0, "bad.csv:1:1", "separated by commas");
    expect_csv_error("1,2,2.5\n", 0, "bad.csv:1:5: label '2.5'", "integer");
}

/* A caller names its own way to declare a header; only "not a number" earns the hint. */
static void test_csv_header_hint(void)
{
    char p[256];
    netc_dataset ds;
    netc_error err;
    netc_csv_options o = csv_opts(0, NETC_LABEL_LAST, 0);

    o.header_hint = "set header";
    write_text(p, sizeof p, "hint.csv", "a,b,c\n1,2,3\n");
    CU_ASSERT(netc_dataset_load_csv(&ds, p, &o, &err) == -1);
    ASSERT_MSG(&err, "hint.csv:1:1: expected a number, found 'a'",
               "\nhint: if the first line is a header, set header");
    CU_ASSERT(strstr(err.msg, "--header") == NULL);
    write_text(p, sizeof p, "hint.csv", "1,,3\n");
    CU_ASSERT(netc_dataset_load_csv(&ds, p, &o, &err) == -1);
    CU_ASSERT(strstr(err.msg, "hint:") == NULL);
}

/* ---- safetensors ---------------------------------------------------------------- */

/* A two-layer toy model whose first weight is kept transposed ([in][out] in memory). */
static const netc_tensor toy_tensors[] = {
    { "dense1.weight", 2, { 2, 3 }, 0, 1 },
    { "dense1.bias", 1, { 2, 0 }, 6, 0 },
    { "dense2.weight", 2, { 1, 2 }, 8, 0 },
    { "dense2.bias", 1, { 1, 0 }, 10, 0 },
};

static netc_model toy_model(void)
{
    netc_model m;

    memset(&m, 0, sizeof m);
    m.name = "toy";
    m.netc_version = "0.1.0";
    m.n_input = 3;
    m.n_output = 1;
    m.batch = 4;
    m.n_param = 11;
    m.n_tensor = 4;
    m.tensors = toy_tensors;
    m.state_size = 11 * sizeof(float);
    m.learning_rate = 0.1;
    m.epochs = 5;
    m.seed = 9;
    m.gamma = 0.5;
    m.step_size = 2;
    m.min_lr = 0.01;
    return m;
}

static void test_st_exact_bytes(void)
{
    static const char want_header[] = "{\"__metadata__\":{\"k\":\"v\\\"\"},\"t\":{\"dtype\":"
        "\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
    const char *keys[] = { "k" }, *values[] = { "v\"" };
    float data[2] = { 1.0f, -2.0f };
    netc_st_out t = { "t", 1, { 2, 0, 0, 0 }, data, 0 };
    unsigned char *buf;
    size_t size, hlen = (sizeof want_header - 1 + 7) / 8 * 8, i;
    char p[256];
    netc_error err;

    test_path(p, sizeof p, "exact.safetensors");
    CU_ASSERT_FATAL(netc_st_write(p, &t, 1, keys, values, 1, &err) == 0);
    CU_ASSERT_FATAL(netc_read_file(p, 1 << 20, &buf, &size, &err) == 0);
    CU_ASSERT(size == 8 + hlen + 8);
    CU_ASSERT(buf[0] == hlen && buf[1] == 0 && buf[7] == 0);
    CU_ASSERT(memcmp(buf + 8, want_header, sizeof want_header - 1) == 0);
    for (i = sizeof want_header - 1; i < hlen; i++)
        CU_ASSERT(buf[8 + i] == ' ');
    CU_ASSERT(memcmp(buf + 8 + hlen, "\x00\x00\x80\x3f\x00\x00\x00\xc0", 8) == 0);
    free(buf);
}

static void test_st_round_trip(void)
{
    netc_model m = toy_model();
    float params[11], back[11] = { 0 }, file_w[6], mean[3] = { 1, 2, 3 }, std[3] = { 4, 5, 6 };
    netc_scaler s = { NETC_SCALE_STANDARDIZE, 3, mean, std }, s2;
    netc_st_file f;
    const netc_st_entry *e;
    char p[256];
    netc_error err;
    int i;

    for (i = 0; i < 11; i++)
        params[i] = (float)i + 0.25f;
    test_path(p, sizeof p, "toy.safetensors");
    CU_ASSERT_FATAL(netc_weights_save(p, &m, params, &s, &err) == 0);
    CU_ASSERT_FATAL(netc_st_read(p, &f, &err) == 0);
    CU_ASSERT(f.n_tensor == 6);
    CU_ASSERT(strcmp(netc_st_meta(&f, "network"), "toy") == 0);
    CU_ASSERT(strcmp(netc_st_meta(&f, "netc_version"), "0.1.0") == 0);
    e = netc_st_find(&f, "dense1.weight");
    CU_ASSERT_FATAL(e != NULL);
    CU_ASSERT(e->rank == 2 && e->shape[0] == 2 && e->shape[1] == 3 && e->begin == 0 && e->end == 24);
    netc_st_get_f32(&f, e, file_w);
    /* memory [in=3][out=2]: w[o][i] = params[i * 2 + o] */
    CU_ASSERT(file_w[0] == params[0] && file_w[1] == params[2] && file_w[2] == params[4]);
    CU_ASSERT(file_w[3] == params[1] && file_w[4] == params[3] && file_w[5] == params[5]);
    CU_ASSERT(netc_st_find(&f, "input.mean") != NULL && netc_st_find(&f, "input.std") != NULL);
    netc_st_free(&f);
    CU_ASSERT_FATAL(netc_weights_load(p, &m, back, &s2, 0, &err) == 0);
    CU_ASSERT(memcmp(back, params, sizeof params) == 0);
    CU_ASSERT(s2.kind == NETC_SCALE_STANDARDIZE && s2.n == 3 && s2.a[2] == 3 && s2.b[0] == 4);
    netc_scaler_free(&s2);
}

static void test_st_model_mismatch(void)
{
    netc_model m = toy_model(), other = toy_model();
    netc_tensor wrong[4];
    float params[11] = { 0 };
    netc_scaler s;
    char p[256];
    netc_error err;

    test_path(p, sizeof p, "toy.safetensors");
    CU_ASSERT_FATAL(netc_weights_save(p, &m, params, NULL, &err) == 0);
    memcpy(wrong, toy_tensors, sizeof wrong);
    wrong[0].shape[0] = 3;
    wrong[0].shape[1] = 2;
    other.tensors = wrong;
    CU_ASSERT(netc_weights_load(p, &other, params, &s, 0, &err) == -1);
    ASSERT_MSG(&err, "dense1.weight: shape [2, 3] in file, network expects [3, 2]", "byte ");
    wrong[0] = toy_tensors[0];
    wrong[3].name = "out.bias";
    CU_ASSERT(netc_weights_load(p, &other, params, &s, 0, &err) == -1);
    ASSERT_MSG(&err, "tensor 'out.bias' is missing", "hint");
    other.n_tensor = 3;     /* the file's dense2.bias is now unknown */
    CU_ASSERT(netc_weights_load(p, &other, params, &s, 0, &err) == -1);
    ASSERT_MSG(&err, "unknown tensor 'dense2.bias'", "network 'toy'");
}

/* A conv weight [out=2, in=2, kh=1, kw=3] kept transposed as [in*kh*kw=6][out=2], and its
 * bias: written as PyTorch's Conv2d holds it, read back into the same memory; a file whose
 * conv weight has another shape is refused naming the tensor and both shapes. */
static const netc_tensor conv_tensors[] = {
    { "conv1.weight", 4, { 2, 2, 1, 3 }, 0, 1 },
    { "conv1.bias", 1, { 2, 0, 0, 0 }, 12, 0 },
};

static void test_st_conv(void)
{
    netc_model m = toy_model(), other;
    netc_tensor wrong[2];
    float params[14], back[14] = { 0 }, file_w[12];
    netc_scaler s;
    netc_st_file f;
    const netc_st_entry *e;
    char p[256];
    netc_error err;
    int o, k;

    m.n_param = 14;
    m.n_tensor = 2;
    m.tensors = conv_tensors;
    for (k = 0; k < 14; k++)
        params[k] = (float)k + 0.5f;
    CU_ASSERT(netc_tensor_size(&conv_tensors[0]) == 12 && netc_tensor_size(&conv_tensors[1]) == 2);
    test_path(p, sizeof p, "conv.safetensors");
    CU_ASSERT_FATAL(netc_weights_save(p, &m, params, NULL, &err) == 0);
    CU_ASSERT_FATAL(netc_st_read(p, &f, &err) == 0);
    e = netc_st_find(&f, "conv1.weight");
    CU_ASSERT_FATAL(e != NULL);
    CU_ASSERT(e->rank == 4 && e->shape[0] == 2 && e->shape[1] == 2 && e->shape[2] == 1 &&
              e->shape[3] == 3 && e->end - e->begin == 48);
    netc_st_get_f32(&f, e, file_w);
    for (o = 0; o < 2; o++)     /* W[o][k], k = (in * kh + y) * kw + x, is WT[k][o] */
        for (k = 0; k < 6; k++)
            CU_ASSERT(file_w[o * 6 + k] == params[k * 2 + o]);
    netc_tensor_read(&conv_tensors[0], params, back);
    CU_ASSERT(memcmp(back, file_w, sizeof file_w) == 0);
    netc_st_free(&f);
    memset(back, 0, sizeof back);
    CU_ASSERT_FATAL(netc_weights_load(p, &m, back, &s, 0, &err) == 0);
    CU_ASSERT(memcmp(back, params, sizeof params) == 0);
    other = m;
    memcpy(wrong, conv_tensors, sizeof wrong);
    wrong[0].shape[3] = 1;
    wrong[0].shape[2] = 3;
    other.tensors = wrong;
    CU_ASSERT(netc_weights_load(p, &other, back, &s, 0, &err) == -1);
    ASSERT_MSG(&err, "conv.safetensors: byte ", "conv1.weight: shape [2, 2, 1, 3] in file, "
               "network expects [2, 2, 3, 1] (filters, input channels, kernel height, kernel "
               "width)");
    wrong[0].rank = 2;  /* a dense layer where the file has a conv */
    wrong[0].shape[1] = 6;
    CU_ASSERT(netc_weights_load(p, &other, back, &s, 0, &err) == -1);
    ASSERT_MSG(&err, "conv1.weight: shape [2, 2, 1, 3] in file, network expects [2, 6]");
    params[7] = NAN;    /* WT[3][1] = W[1][3]: in 1, y 0, x 0 */
    CU_ASSERT_FATAL(netc_weights_save(p, &m, params, NULL, &err) == 0);
    CU_ASSERT(netc_weights_load(p, &m, back, &s, 0, &err) == -1);
    ASSERT_MSG(&err, "tensor 'conv1.weight' element 9 [1, 1, 0, 0] is NaN");
}

/* Garbage that strtod would take, and labels the network cannot train on: errors at
 * line:column (issue 19, item 13). */
static void test_csv_garbage(void)
{
    netc_model m = toy_model();
    netc_csv_options o = csv_opts(0, NETC_LABEL_LAST, 0);
    netc_dataset ds;
    netc_error err;
    char p[256];

    expect_csv_error("1,2,3\n4,0x1p3,1\n", 0, "bad.csv:2:3: expected a decimal number",
                     "found '0x1p3'");
    expect_csv_error("1,2,3\n4,1e39,1\n", 0, "bad.csv:2:3: 1e39 is beyond float's range", "");
    expect_csv_error("1,2,3\r4,5,6\r", 0, "bad.csv:1:6: a carriage return", "tr '\\r' '\\n'");
    expect_csv_error("1,2,3\r\n4,5\r,6\r\n", 0, "bad.csv:2:4: a carriage return", "");
    write_text(p, sizeof p, "bom.csv", "\xef\xbb\xbf" "1,2,0\n3,4,1\n");   /* read as without */
    CU_ASSERT_FATAL(netc_dataset_load_csv(&ds, p, &o, &err) == 0);
    CU_ASSERT(ds.n == 2 && ds.x[0] == 1 && ds.labels[1] == 1);
    netc_dataset_free(&ds);
    /* invisible characters inside a field are shown as escapes, with a hint */
    expect_csv_error("1,2,3\n" "\xef\xbb\xbf" "4,5,1\n", 0,
                     "bad.csv:2:1: expected a number, found '\\xef\\xbb\\xbf4'\n"
                     "hint: the field holds invisible characters", "");
    expect_csv_error("1,2,3\n4,\x01" "5,1\n", 0,
                     "bad.csv:2:3: expected a number, found '\\x015'", "invisible");
    expect_csv_error("1,2,3\n4,caf\xc3\xa9,1\n", 0,
                     "bad.csv:2:3: expected a number, found 'caf\xc3\xa9'", "");
    write_bytes(p, sizeof p, "nul.csv", "1,2,3\n4,1\0junk,1\n", 18);
    CU_ASSERT(netc_dataset_load_csv(&ds, p, &o, &err) == -1);
    ASSERT_MSG(&err, "nul.csv:2:4: a NUL byte in a number", "");
    /* one sigmoid output under binary cross-entropy: labels 0 and 1 only */
    m.loss = NETC_LOSS_BINARY_CROSS_ENTROPY;
    m.data.targets = NETC_TARGETS_VALUE;
    o.labels_for = &m;
    write_text(p, sizeof p, "bce.csv", "1,2,1\n3,4,0\n5,6,5\n");
    CU_ASSERT(netc_dataset_load_csv(&ds, p, &o, &err) == -1);
    ASSERT_MSG(&err, "bce.csv:3:5: label 5 is out of range",
               "binary cross-entropy's targets are 0 and 1 (labels 0 to 1)");
    o.labels_for = NULL;    /* the same data, checked after loading (as IDX labels are) */
    CU_ASSERT_FATAL(netc_dataset_load_csv(&ds, p, &o, &err) == 0);
    CU_ASSERT(netc_dataset_check_labels(&ds, &m, &err) == -1);
    ASSERT_MSG(&err, "bce.csv: sample 2: label 5 is out of range", "(labels 0 to 1)");
    m.loss = NETC_LOSS_MSE;     /* a value to regress on: any label */
    CU_ASSERT(netc_dataset_check_labels(&ds, &m, &err) == 0);
    netc_dataset_free(&ds);
}

/* NaN and infinities are refused, naming the tensor and the element in file order. */
static void test_st_non_finite(void)
{
    netc_model m = toy_model();
    float params[11] = { 0 }, back[11], mean[3] = { 0, 0, 0 }, std[3] = { 1, NAN, 1 };
    netc_scaler s = { NETC_SCALE_STANDARDIZE, 3, mean, std }, s2;
    char p[256];
    netc_error err;

    test_path(p, sizeof p, "nan.safetensors");
    params[7] = NAN;
    CU_ASSERT_FATAL(netc_weights_save(p, &m, params, NULL, &err) == 0);
    CU_ASSERT(netc_weights_load(p, &m, back, &s2, 0, &err) == -1);
    ASSERT_MSG(&err, "nan.safetensors: byte ", "tensor 'dense1.bias' element 1 is NaN",
               "finite");
    params[7] = 0;
    params[1] = -INFINITY;     /* memory [in][out]: input 0, output 1 is file element [1, 0] */
    CU_ASSERT_FATAL(netc_weights_save(p, &m, params, NULL, &err) == 0);
    CU_ASSERT(netc_weights_load(p, &m, back, &s2, 0, &err) == -1);
    ASSERT_MSG(&err, "tensor 'dense1.weight' element 3 [1, 0] is -infinity");
    params[1] = 0;
    CU_ASSERT_FATAL(netc_weights_save(p, &m, params, &s, &err) == 0);
    CU_ASSERT(netc_weights_load(p, &m, back, &s2, 0, &err) == -1);
    ASSERT_MSG(&err, "tensor 'input.std' element 1 is NaN");
    std[1] = -2;            /* was replaced by 1 (issue 19, item 14) */
    CU_ASSERT_FATAL(netc_weights_save(p, &m, params, &s, &err) == 0);
    CU_ASSERT(netc_weights_load(p, &m, back, &s2, 0, &err) == -1);
    ASSERT_MSG(&err, "tensor 'input.std' element 1 is -2: a standard deviation must be above 0");
    s.kind = NETC_SCALE_UNIT;   /* min 0, 0, 0; max 1, -2, 1: a max below its min */
    CU_ASSERT_FATAL(netc_weights_save(p, &m, params, &s, &err) == 0);
    CU_ASSERT(netc_weights_load(p, &m, back, &s2, 0, &err) == -1);
    ASSERT_MSG(&err, "tensor 'input.max' element 1 is -2, below input.min's 0: a maximum cannot "
               "be below its minimum");
    std[1] = 0;             /* max = min: a constant feature, as training saves it */
    CU_ASSERT_FATAL(netc_weights_save(p, &m, params, &s, &err) == 0);
    CU_ASSERT(netc_weights_load(p, &m, back, &s2, 0, &err) == 0);
    netc_scaler_free(&s2);
}

/* A file saved by another network whose tensors have the same names and shapes is refused
 * naming both networks, unless asked (issue 19, item 14); a file whose metadata names no
 * network (PyTorch's) is taken on its shapes. */
static void test_st_other_network(void)
{
    netc_model m = toy_model(), other = toy_model();
    float params[11], back[11] = { 0 };
    netc_st_out out[4];
    netc_scaler s;
    char p[256];
    netc_error err;
    int i, d;

    for (i = 0; i < 11; i++)
        params[i] = (float)i - 2.5f;
    other.name = "other";
    test_path(p, sizeof p, "toy.safetensors");
    CU_ASSERT_FATAL(netc_weights_save(p, &m, params, NULL, &err) == 0);
    CU_ASSERT(netc_weights_load(p, &other, back, &s, 0, &err) == -1);
    ASSERT_MSG(&err, "toy.safetensors: saved by network 'toy', not 'other'",
               "another network's weights", "hint: ", "--allow-other-network");
    CU_ASSERT_FATAL(netc_weights_load(p, &other, back, &s, 1, &err) == 0);
    CU_ASSERT(memcmp(back, params, sizeof params) == 0);
    memset(out, 0, sizeof out);     /* the same tensors, no metadata */
    for (i = 0; i < 4; i++) {
        out[i].name = toy_tensors[i].name;
        out[i].rank = toy_tensors[i].rank;
        for (d = 0; d < out[i].rank; d++)
            out[i].shape[d] = toy_tensors[i].shape[d];
        out[i].data = params + toy_tensors[i].offset;
        out[i].transposed = toy_tensors[i].transposed;
    }
    test_path(p, sizeof p, "torch.safetensors");
    CU_ASSERT_FATAL(netc_st_write(p, out, 4, NULL, NULL, 0, &err) == 0);
    memset(back, 0, sizeof back);
    CU_ASSERT(netc_weights_load(p, &other, back, &s, 0, &err) == 0);
    CU_ASSERT(memcmp(back, params, sizeof params) == 0);
}

static void test_st_write_failure(void)
{
    netc_model m = toy_model();
    float params[11] = { 0 };
    char p[256];
    netc_error err;
    DIR *d;
    struct dirent *e;
    int files = 0;

    test_path(p, sizeof p, "no-such-dir/x.safetensors");
    CU_ASSERT(netc_weights_save(p, &m, params, NULL, &err) == -1);
    ASSERT_MSG(&err, "no-such-dir/x.safetensors", "temporary file");
    test_path(p, sizeof p, "twice.safetensors");
    CU_ASSERT(netc_weights_save(p, &m, params, NULL, &err) == 0);
    CU_ASSERT(netc_weights_save(p, &m, params, NULL, &err) == 0);
    d = opendir(test_scratch());           /* no temporary file left behind */
    CU_ASSERT_FATAL(d != NULL);
    while ((e = readdir(d)) != NULL)
        files += strncmp(e->d_name, "twice.safetensors", 17) == 0;
    closedir(d);
    CU_ASSERT(files == 1);
}

/* A file with the given header text and data_len zero bytes of data. */
static const char *make_st(char *p, size_t size, const char *header, size_t data_len)
{
    unsigned char buf[4096] = { 0 };
    size_t n = strlen(header), i;

    CU_ASSERT_FATAL(8 + n + data_len <= sizeof buf);
    for (i = 0; i < 8; i++)
        buf[i] = (unsigned char)((uint64_t)n >> (8 * i));
    memcpy(buf + 8, header, n);
    return write_bytes(p, size, "hostile.safetensors", buf, 8 + n + data_len);
}

static void expect_st_error(const char *header, size_t data_len, const char *frag1,
                            const char *frag2)
{
    char p[256];
    netc_st_file f;
    netc_error err;

    make_st(p, sizeof p, header, data_len);
    CU_ASSERT(netc_st_read(p, &f, &err) == -1);
    CU_ASSERT(f.tensors == NULL && f.buffer == NULL);
    ASSERT_MSG(&err, frag1, frag2);
}

#define T(name, dtype, shape, b, e) \
    "\"" name "\":{\"dtype\":\"" dtype "\",\"shape\":" shape ",\"data_offsets\":[" #b "," #e "]}"

static void test_st_hostile_header(void)
{
    unsigned char b[16] = { 0xe8, 0x03, 0, 0, 0, 0, 0, 0, '{', '}' };
    char p[256], deep[2100];
    netc_st_file f;
    netc_error err;

    write_bytes(p, sizeof p, "short.safetensors", b, 10);
    CU_ASSERT(netc_st_read(p, &f, &err) == -1);
    ASSERT_MSG(&err, "byte 0: header length 1000 is past the end of the file", "hint");
    b[0] = b[1] = 0;
    b[5] = 1;       /* 2^40 */
    write_bytes(p, sizeof p, "short.safetensors", b, 10);
    CU_ASSERT(netc_st_read(p, &f, &err) == -1);
    ASSERT_MSG(&err, "header length 1099511627776", "past the end");
    write_bytes(p, sizeof p, "short.safetensors", b, 5);
    CU_ASSERT(netc_st_read(p, &f, &err) == -1);
    ASSERT_MSG(&err, "too short", "8-byte");
    expect_st_error("[1,2]", 0, "byte 8: expected '{'", "found '['");
    expect_st_error("{\"a\":{\"dtype\":{\"x\":[[[1]]]}}}", 0, "byte 22: expected a dtype string",
                    "found '{'");
    memset(deep, '[', sizeof deep - 1);
    deep[0] = '{';
    deep[sizeof deep - 1] = 0;
    expect_st_error(deep, 0, "byte 9", "expected a tensor name");
    expect_st_error("{\"a\xff\":{}}", 0, "byte 11: the header is not valid UTF-8", "0xff");
    expect_st_error("{\"a\xc0\xaf\":{}}", 0, "byte 11", "UTF-8");      /* overlong '/' */
    expect_st_error("{" T("a", "F32", "[1]", 0, 4) "} x", 4,
                    "found the character 'x' after the header object", "padded with spaces");
    expect_st_error("{" T("a", "F32", "[1]", 0, 4) "} \x01", 4,
                    "found byte 0x01 after the header object", "");
    expect_st_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4, "lacks", "data_offsets");
    expect_st_error("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\"}}", 4, "repeated", "dtype");
    expect_st_error("{\"a\":{\"dtype\":\"F32\",\"extra\":1}}", 4, "unknown key", "extra");
    expect_st_error("{\"a\\q\":{}}", 0, "invalid escape", "\\q");
    expect_st_error("{" T("a", "F32", "[1.5]", 0, 4) "}", 4, "must be an integer", "shape");
    expect_st_error("{" T("a", "F32", "[-1]", 0, 4) "}", 4, "non-negative", "shape");
    expect_st_error("{\"__metadata__\":{\"k\":1}}", 0, "metadata values are strings", "number");
}

static void test_st_hostile_tensors(void)
{
    expect_st_error("{" T("a", "F16", "[2]", 0, 4) "}", 4, "tensor 'a' has dtype F16",
                    "netc reads only F32");
    expect_st_error("{" T("a", "Q7", "[2]", 0, 8) "}", 8, "unknown dtype 'Q7'", "F32");
    expect_st_error("{" T("a", "F32", "[2]", 0, 8) "," T("a", "F32", "[2]", 8, 16) "}", 16,
                    "tensor name 'a' appears twice", "byte ");
    expect_st_error("{" T("a", "F32", "[2]", 0, 8) "," T("b", "F32", "[2]", 4, 12) "}", 12,
                    "tensor 'b': data_offsets [4, 12] overlap", "hint");
    expect_st_error("{" T("a", "F32", "[2]", 0, 8) "," T("b", "F32", "[2]", 12, 20) "}", 20,
                    "[12, 20] leave a gap", "byte ");
    expect_st_error("{" T("a", "F32", "[3]", 0, 8) "}", 8, "span 8 bytes", "needs 3 x 4");
    expect_st_error("{" T("a", "F32", "[2,3]", 0, 20) "}", 24, "span 20 bytes", "needs 6 x 4");
    expect_st_error("{" T("a", "F32", "[2,3]", 0, 8) "}", 8, "span 8 bytes", "needs 6 x 4");
    expect_st_error("{" T("a", "F32", "[1099511627776,1099511627776,16]", 0, 8) "}", 8,
                    "tensor 'a'", "more than 2^62 elements");
    expect_st_error("{" T("a", "F32", "[2]", 0, 8) "}", 4, "end at 8, past the end",
                    "4-byte data section");
    expect_st_error("{" T("a", "F32", "[2]", 8, 0) "}", 8, "end before they begin", "tensor 'a'");
    expect_st_error("{" T("a", "F32", "[1]", 0, 4) "}", 8, "4 bytes after the last tensor",
                    "byte ");
    expect_st_error("{" T("a", "F32", "[1]", 0, 4) ",\"__metadata__\":{},\"__metadata__\":{}}", 4,
                    "appears twice", "__metadata__");
}

static void test_st_escapes(void)
{
    char p[256];
    netc_st_file f;
    netc_error err;

    make_st(p, sizeof p, " {\"a\\u00e9\\\"\\ud83d\\ude00\" : {\"shape\": [ ], \"dtype\" : \"F32\", "
            "\"data_offsets\": [0, 4]}, \"__metadata__\": {\"n\\tx\": \"\\u20ac\"}}   ", 4);
    CU_ASSERT_FATAL(netc_st_read(p, &f, &err) == 0);
    CU_ASSERT(f.n_tensor == 1 && strcmp(f.tensors[0].name, "a\xc3\xa9\"\xf0\x9f\x98\x80") == 0);
    CU_ASSERT(f.tensors[0].rank == 0);
    CU_ASSERT(netc_st_meta(&f, "n\tx") && strcmp(netc_st_meta(&f, "n\tx"), "\xe2\x82\xac") == 0);
    netc_st_free(&f);
    expect_st_error("{\"\\ud83d\":{}}", 0, "not followed by a low one", "byte ");
    expect_st_error("{\"\\u00\":{}}", 0, "4 hex digits", "byte ");
}

/* ---- datasets, scaling, RNG, command line ------------------------------------------ */

static netc_dataset toy_set(float *x, int *labels, int n, int n_input)
{
    netc_dataset ds;

    memset(&ds, 0, sizeof ds);
    ds.source = ds.label_source = (char *)"toy.csv";
    ds.n = n;
    ds.n_input = n_input;
    ds.rank = 1;
    ds.shape[0] = n_input;
    ds.x = x;
    ds.labels = labels;
    return ds;
}

static void test_targets(void)
{
    float x[4] = { 0 }, y[9];
    int labels[3] = { 2, 0, 5 }, idx[3] = { 1, 0, 2 };
    netc_dataset ds = toy_set(x, labels, 3, 1);
    netc_error err;

    CU_ASSERT(netc_dataset_targets(&ds, idx, 2, 3, NETC_TARGETS_ONE_HOT, y, &err) == 0);
    CU_ASSERT(y[0] == 1 && y[1] == 0 && y[2] == 0 && y[3] == 0 && y[4] == 0 && y[5] == 1);
    CU_ASSERT(netc_dataset_targets(&ds, idx, 3, 3, NETC_TARGETS_ONE_HOT, y, &err) == -1);
    ASSERT_MSG(&err, "toy.csv: sample 2: label 5 is out of range", "3 outputs");
    labels[2] = 1;
    CU_ASSERT(netc_dataset_targets(&ds, idx, 3, 1, NETC_TARGETS_VALUE, y, &err) == 0);
    CU_ASSERT(y[0] == 0 && y[1] == 2 && y[2] == 1);
    CU_ASSERT(netc_dataset_targets(&ds, idx, 3, 2, NETC_TARGETS_VALUE, y, &err) == -1);
}

static void test_check_input(void)
{
    float x[12] = { 0 };
    netc_dataset ds = toy_set(x, NULL, 2, 6);
    netc_model m = toy_model();
    netc_error err;

    ds.rank = 2;
    ds.shape[0] = 2;
    ds.shape[1] = 3;
    CU_ASSERT(netc_dataset_check_input(&ds, &m, &err) == -1);
    ASSERT_MSG(&err, "toy.csv: file has 2x3 = 6 features per sample but network 'toy' takes 3 "
               "inputs", "");
    ds.n_input = 3;
    CU_ASSERT(netc_dataset_check_input(&ds, &m, &err) == 0);
}

static void test_scaling(void)
{
    float x[6] = { 1, 5, 3, 5, 5, 5 }, t[2] = { 3, 7 };
    netc_dataset ds = toy_set(x, NULL, 3, 2), test = toy_set(t, NULL, 1, 2);
    netc_scaler s;
    netc_error err;

    CU_ASSERT_FATAL(netc_scaler_fit(&s, NETC_SCALE_STANDARDIZE, &ds, &err) == 0);
    CU_ASSERT(fabsf(s.a[0] - 3) < 1e-6f && fabsf(s.b[0] - sqrtf(8.0f / 3)) < 1e-6f);
    CU_ASSERT(s.a[1] == 5 && s.b[1] == 1);         /* constant feature: std 1 */
    netc_scaler_apply(&s, &test);
    CU_ASSERT(fabsf(t[0]) < 1e-6f && fabsf(t[1] - 2) < 1e-6f);
    netc_scaler_free(&s);
    CU_ASSERT_FATAL(netc_scaler_fit(&s, NETC_SCALE_UNIT, &ds, &err) == 0);
    netc_scaler_apply(&s, &ds);
    CU_ASSERT(x[0] == 0 && x[2] == 0.5f && x[4] == 1 && x[1] == 0);
    netc_scaler_free(&s);
    CU_ASSERT(netc_scaling_needs_stats(NETC_DATA_IDX, NETC_SCALE_UNIT) == 0);
    CU_ASSERT(netc_scaling_needs_stats(NETC_DATA_CSV, NETC_SCALE_UNIT) == 1);
}

static void test_rng(void)
{
    netc_rng a, b;
    int idx[50], seen[50] = { 0 }, i, same = 1;
    uint64_t first;

    netc_rng_seed(&a, 42);
    netc_rng_seed(&b, 42);
    for (i = 0; i < 100; i++)
        CU_ASSERT(netc_rng_next(&a) == netc_rng_next(&b));
    netc_rng_seed(&b, 43);
    first = netc_rng_next(&a);
    CU_ASSERT(first != netc_rng_next(&b));
    for (i = 0; i < 1000; i++) {
        float u = netc_rng_uniform(&a);
        CU_ASSERT(u >= 0 && u < 1);
        CU_ASSERT(netc_rng_below(&a, 7) < 7);
    }
    for (i = 0; i < 50; i++)
        idx[i] = i;
    netc_rng_seed(&a, 1);
    netc_rng_shuffle(&a, idx, 50);
    for (i = 0; i < 50; i++) {
        seen[idx[i]]++;
        same &= idx[i] == i;
    }
    for (i = 0; i < 50; i++)
        CU_ASSERT(seen[i] == 1);
    CU_ASSERT(!same);
    netc_rng_seed(&b, 1);
    for (i = 0; i < 50; i++)
        seen[i] = i;
    netc_rng_shuffle(&b, seen, 50);
    CU_ASSERT(memcmp(seen, idx, sizeof idx) == 0);
    CU_ASSERT(netc_rng_valid(&b));
    memset(&b, 0, sizeof b);    /* the one impossible state: every draw 0 (used to spin) */
    CU_ASSERT(!netc_rng_valid(&b));
    CU_ASSERT(netc_rng_below(&b, 3) < 3);
    netc_rng_shuffle(&b, seen, 50);
}

static void test_schedule(void)
{
    netc_model m = toy_model();

    CU_ASSERT(netc_schedule_lr(&m, 0.1, 3, 5) == 0.1);
    m.schedule = NETC_SCHED_STEP;
    CU_ASSERT(fabs(netc_schedule_lr(&m, 0.1, 3, 5) - 0.05) < 1e-12);
    CU_ASSERT(fabs(netc_schedule_lr(&m, 0.1, 4, 5) - 0.025) < 1e-12);
    m.schedule = NETC_SCHED_EXPONENTIAL;
    CU_ASSERT(fabs(netc_schedule_lr(&m, 0.1, 3, 5) - 0.0125) < 1e-12);
    m.schedule = NETC_SCHED_COSINE;
    CU_ASSERT(fabs(netc_schedule_lr(&m, 0.1, 0, 4) - 0.1) < 1e-12);
    CU_ASSERT(fabs(netc_schedule_lr(&m, 0.1, 2, 4) - 0.055) < 1e-12);
}

/* The plateau schedule against PyTorch 1.13's ReduceLROnPlateau(factor=0.5, patience=2,
 * threshold=1e-4, cooldown=1, min_lr=0.02) on SGD(lr=0.1), stepped with these losses:
 * the rates below are what torch printed (tests/e2e/validation.sh also compares a whole
 * run's log with torch live).  0.89995 is within the threshold of 0.9: no improvement. */
static void test_plateau(void)
{
    static const double loss[] = { 1.0, 0.9, 0.9, 0.95, 0.89995, 0.91, 0.92, 0.93, 0.5, 0.6,
                                   0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.49996, 0.6 };
    static const double torch_lr[] = { 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05, 0.05,
                                       0.05, 0.025, 0.025, 0.025, 0.025, 0.02, 0.02, 0.02,
                                       0.02, 0.02 };
    netc_model m = toy_model();
    netc_plateau p;
    int i, cuts = 0;

    m.schedule = NETC_SCHED_PLATEAU;
    m.gamma = 0.5;
    m.patience = 2;
    m.threshold = 1e-4;
    m.cooldown = 1;
    m.min_lr = 0.02;
    netc_plateau_start(&p, 0.1);
    for (i = 0; i < (int)(sizeof loss / sizeof *loss); i++) {
        cuts += netc_plateau_step(&p, &m, loss[i]);
        CU_ASSERT(fabs(p.lr - torch_lr[i]) < 1e-15);
    }
    CU_ASSERT(cuts == 3);
    CU_ASSERT(netc_schedule_lr(&m, 0.1, 5, 10) == 0.1);    /* its rate is netc_plateau's */
}

/* --validation's split: how many, which (the seed's, always the same), and the data set
 * divided into two disjoint parts that keep file order. */
static void test_validation_split(void)
{
    int order[100], i, held_n = 0, same = 1;
    unsigned char held[100], again[100];
    float x[10 * 2];
    int labels[10];
    netc_dataset ds, val;
    netc_error err;

    CU_ASSERT(netc_validation_count(0.2, 10) == 2);
    CU_ASSERT(netc_validation_count(0.25, 10) == 3);        /* 2.5 rounds up */
    CU_ASSERT(netc_validation_count(7, 10) == 7);
    CU_ASSERT(netc_validation_count(12, 10) == 10);
    netc_validation_pick(100, 20, 1, order, held);
    netc_validation_pick(100, 20, 1, order, again);
    CU_ASSERT(memcmp(held, again, sizeof held) == 0);
    for (i = 0; i < 100; i++)
        held_n += held[i];
    CU_ASSERT(held_n == 20);
    netc_validation_pick(100, 20, 2, order, again);
    for (i = 0; i < 100; i++)
        same &= held[i] == again[i];
    CU_ASSERT(!same);
    memset(&ds, 0, sizeof ds);
    ds.n = 10;
    ds.n_input = 2;
    ds.x = malloc(sizeof x);
    ds.labels = malloc(sizeof labels);
    for (i = 0; i < 20; i++)
        ds.x[i] = (float)i;
    for (i = 0; i < 10; i++)
        ds.labels[i] = i;
    memset(held, 0, 10);
    held[2] = held[7] = held[8] = 1;
    CU_ASSERT_FATAL(netc_dataset_split(&ds, held, &val, &err) == 0);
    CU_ASSERT(ds.n == 7 && val.n == 3);
    CU_ASSERT(val.labels[0] == 2 && val.labels[1] == 7 && val.labels[2] == 8);
    CU_ASSERT(val.x[0] == 4 && val.x[1] == 5 && val.x[5] == 17);
    CU_ASSERT(ds.labels[0] == 0 && ds.labels[2] == 3 && ds.labels[6] == 9);
    CU_ASSERT(ds.x[4] == 6 && ds.x[13] == 19);
    netc_dataset_free(&ds);
    netc_dataset_free(&val);
}

static void test_schedule_text(void)
{
    netc_model m = toy_model();
    char buf[96];

    CU_ASSERT_STRING_EQUAL(netc_schedule_text(&m, buf, sizeof buf), "constant");
    m.schedule = NETC_SCHED_STEP;
    CU_ASSERT_STRING_EQUAL(netc_schedule_text(&m, buf, sizeof buf), "step(step_size = 2, gamma = 0.5)");
    m.schedule = NETC_SCHED_EXPONENTIAL;
    CU_ASSERT_STRING_EQUAL(netc_schedule_text(&m, buf, sizeof buf), "exponential(gamma = 0.5)");
    m.schedule = NETC_SCHED_COSINE;
    CU_ASSERT_STRING_EQUAL(netc_schedule_text(&m, buf, sizeof buf), "cosine(min_lr = 0.01)");
}

static void test_cli(void)
{
    netc_model m = toy_model();
    netc_options o;
    netc_error err;
    char *ok[] = { "toy", "train", "--data", "d", "--epochs=3", "--lr", "0.5", "--no-shuffle",
                   "--batch", "2", "--label-column", "1", NULL };
    char *big[] = { "toy", "train", "--batch", "5", NULL };
    char *typo[] = { "toy", "train", "--epoch", "3", NULL };
    char *noval[] = { "toy", "train", "--seed", NULL };
    char *pred[] = { "toy", "predict", "--weights", "w", "in.csv", "--raw", NULL };
    char *tiny_lr[] = { "toy", "train", "--lr", "1e-50", NULL };
    char *hex_lr[] = { "toy", "train", "--lr", "0x1p3", NULL };
    char *big_seed[] = { "toy", "train", "--seed", "9007199254740993", NULL };
    char *big_lr[] = { "toy", "train", "--lr", "1e10", NULL };

    CU_ASSERT_FATAL(netc_parse_options(&m, 12, ok, &o, &err) == 0);
    CU_ASSERT(o.command == NETC_CMD_TRAIN && o.epochs == 3 && o.lr == 0.5 && o.batch == 2);
    CU_ASSERT(o.shuffle == 0 && o.seed == 9 && o.format == NETC_DATA_IDX);
    CU_ASSERT(strcmp(o.train_images, "d/train-images-idx3-ubyte") == 0);
    CU_ASSERT(strcmp(o.test_labels, "d/t10k-labels-idx1-ubyte") == 0);
    CU_ASSERT(o.csv.label_column == NETC_LABEL_INDEX && o.csv.label_index == 1);
    CU_ASSERT(strcmp(o.save, "toy.safetensors") == 0);
    CU_ASSERT(netc_parse_options(&m, 4, big, &o, &err) == -1);
    ASSERT_MSG(&err, "--batch 5 is larger", "compiled in as 4");
    CU_ASSERT(netc_parse_options(&m, 4, typo, &o, &err) == -1);
    ASSERT_MSG(&err, "unknown option '--epoch'", "did you mean '--epochs'?");
    CU_ASSERT(netc_parse_options(&m, 3, noval, &o, &err) == -1);
    ASSERT_MSG(&err, "--seed needs a value", "");
    CU_ASSERT_FATAL(netc_parse_options(&m, 6, pred, &o, &err) == 0);
    CU_ASSERT(o.command == NETC_CMD_PREDICT && o.raw && strcmp(o.input, "in.csv") == 0);
    CU_ASSERT(netc_parse_options(&m, 4, pred, &o, &err) == -1);
    ASSERT_MSG(&err, "predict needs an INPUT", "");
    CU_ASSERT(netc_parse_options(&m, 4, tiny_lr, &o, &err) == -1);
    ASSERT_MSG(&err, "--lr: '1e-50' rounds to 0 as a float");
    CU_ASSERT(netc_parse_options(&m, 4, hex_lr, &o, &err) == -1);
    ASSERT_MSG(&err, "--lr: expected a decimal number, found '0x1p3'");
    CU_ASSERT(netc_parse_options(&m, 4, big_seed, &o, &err) == -1);
    ASSERT_MSG(&err, "--seed: expected an integer from 0 to 9007199254740992");
    CU_ASSERT(netc_parse_options(&m, 4, big_lr, &o, &err) == -1);
    ASSERT_MSG(&err, "--lr: expected a number above 0 and at most 1000000, found '1e10'");
}

/* ---- checkpoints ------------------------------------------------------------------ */

/* A checkpoint of the toy model: epoch 2 of 3, 3 of 5 samples done. */
static netc_checkpoint toy_checkpoint(int *order, netc_epoch_metrics *rows, float *state)
{
    netc_checkpoint c;
    int i;

    memset(&c, 0, sizeof c);
    c.network = "toy";
    c.netc_version = "0.1.0";
    c.source_hash = "";
    c.lr = 0.25;
    c.epochs = 3;
    c.batch = 2;
    c.shuffle = 1;
    c.seed = 42;
    c.epoch = 1;
    c.pos = 3;
    c.loss_sum = 1.5;
    c.elapsed_s = 2;
    netc_rng_seed(&c.rng, 7);
    c.n_samples = 5;
    c.data_hash = 0x1234;
    for (i = 0; i < 5; i++)
        order[i] = (i * 2) % 5;
    c.order = order;
    memset(rows, 0, sizeof *rows);
    rows->epoch = 1;
    rows->train_loss = 0.5;
    rows->test_acc = NAN;
    c.n_rows = 1;
    c.rows = rows;
    for (i = 0; i < 11; i++)
        state[i] = (float)i / 3;
    c.state_size = 11 * sizeof(float);
    c.state = state;
    netc_plateau_start(&c.plateau, c.lr);
    c.best_loss = INFINITY;
    return c;
}

static void test_ckpt_round_trip(void)
{
    int order[5];
    netc_epoch_metrics row;
    float state[11];
    netc_checkpoint c = toy_checkpoint(order, &row, state), back;
    netc_model m = toy_model();
    char p[256];
    netc_error err;

    test_path(p, sizeof p, "run.ckpt");
    c.save = "/runs/toy.safetensors";
    CU_ASSERT_FATAL(netc_checkpoint_write(p, &c, &err) == 0);
    CU_ASSERT_FATAL(netc_checkpoint_read(p, &back, &err) == 0);
    CU_ASSERT(strcmp(back.network, "toy") == 0 && strcmp(back.netc_version, "0.1.0") == 0);
    CU_ASSERT(strcmp(back.save, "/runs/toy.safetensors") == 0);
    CU_ASSERT(back.lr == 0.25 && back.epochs == 3 && back.batch == 2 && back.seed == 42);
    CU_ASSERT(back.epoch == 1 && back.pos == 3 && back.loss_sum == 1.5 && back.n_samples == 5);
    CU_ASSERT(memcmp(&back.rng, &c.rng, sizeof c.rng) == 0 && back.data_hash == 0x1234);
    CU_ASSERT(memcmp(back.order, order, sizeof order) == 0);
    CU_ASSERT(back.n_rows == 1 && back.rows[0].train_loss == 0.5 && isnan(back.rows[0].test_acc));
    CU_ASSERT(back.state_size == sizeof state && memcmp(back.state, state, sizeof state) == 0);
    CU_ASSERT(netc_checkpoint_matches(p, &back, &m, &err) == 0);
    m.name = "other";
    CU_ASSERT(netc_checkpoint_matches(p, &back, &m, &err) == -1);
    ASSERT_MSG(&err, "run.ckpt: checkpoint of network 'toy'", "this trainer is network 'other'");
    m = toy_model();
    m.state_size += 4;
    CU_ASSERT(netc_checkpoint_matches(p, &back, &m, &err) == -1);
    ASSERT_MSG(&err, "state of 44 bytes", "(48 bytes)");
    netc_checkpoint_free(&back);
}

/* Writes c, then expects reading it to fail with both fragments. */
static void expect_ckpt_error(const netc_checkpoint *c, const char *frag1, const char *frag2)
{
    netc_checkpoint back;
    char p[256];
    netc_error err;

    test_path(p, sizeof p, "bad.ckpt");
    CU_ASSERT_FATAL(netc_checkpoint_write(p, c, &err) == 0);
    CU_ASSERT(netc_checkpoint_read(p, &back, &err) == -1);
    ASSERT_MSG(&err, "bad.ckpt: byte ", frag1, frag2);
}

static void test_ckpt_hostile(void)
{
    int order[5];
    netc_epoch_metrics row;
    float state[11];
    netc_checkpoint c = toy_checkpoint(order, &row, state), back;
    unsigned char *buf;
    size_t size, cut;
    char p[256], q[256];
    netc_error err;

    order[1] = order[0];
    expect_ckpt_error(&c, "sample 0 appears twice", "order");
    order[1] = 5;
    expect_ckpt_error(&c, "a sample index is 5", "expected 0 to 4");
    c = toy_checkpoint(order, &row, state);
    c.pos = 6;
    expect_ckpt_error(&c, "position 6 in epoch 2 of 3", "5 samples");
    c = toy_checkpoint(order, &row, state);
    c.epoch = 4;
    expect_ckpt_error(&c, "the epoch is 4", "expected 0 to 3");
    c = toy_checkpoint(order, &row, state);
    c.n_rows = 0;
    expect_ckpt_error(&c, "the number of finished epochs is 0", "expected 1 to 1");
    c = toy_checkpoint(order, &row, state);
    c.lr = NAN;
    expect_ckpt_error(&c, "learning rate nan", "positive");
    c = toy_checkpoint(order, &row, state);
    memset(&c.rng, 0, sizeof c.rng);
    expect_ckpt_error(&c, "the shuffle generator's state is all zeros", "");
    /* Every truncation and a flipped byte: the checksum catches them, nothing is read. */
    c = toy_checkpoint(order, &row, state);
    test_path(p, sizeof p, "good.ckpt");
    CU_ASSERT_FATAL(netc_checkpoint_write(p, &c, &err) == 0);
    CU_ASSERT_FATAL(netc_read_file(p, 1 << 20, &buf, &size, &err) == 0);
    for (cut = 0; cut < size; cut++) {
        write_bytes(q, sizeof q, "cut.ckpt", buf, cut);
        CU_ASSERT(netc_checkpoint_read(q, &back, &err) == -1);
        if (!strstr(err.msg, "cut.ckpt: byte "))
            fprintf(stderr, "\n  cut at %zu: %s\n", cut, err.msg);
        CU_ASSERT(strstr(err.msg, "cut.ckpt: byte ") != NULL);
    }
    buf[size / 2] ^= 1;
    write_bytes(q, sizeof q, "flip.ckpt", buf, size);
    CU_ASSERT(netc_checkpoint_read(q, &back, &err) == -1);
    ASSERT_MSG(&err, "flip.ckpt: byte ", "stored checksum", "truncated or corrupt");
    memcpy(buf, "NETCCKPX", 8);
    write_bytes(q, sizeof q, "magic.ckpt", buf, size);
    CU_ASSERT(netc_checkpoint_read(q, &back, &err) == -1);
    ASSERT_MSG(&err, "magic.ckpt: byte 0: expected the magic \"NETCCKPT\"", "");
    memcpy(buf, "NETCCKPT\x04", 9);
    write_bytes(q, sizeof q, "version.ckpt", buf, size);
    CU_ASSERT(netc_checkpoint_read(q, &back, &err) == -1);
    ASSERT_MSG(&err, "version.ckpt: byte 8: checkpoint format version 4", "expected 1 to 3");
    free(buf);
}

/* A version 3 file made into the version 2 layout: without the validation settings
 * after the seed, with 7 figures per row, without the monitor block; checksum redone. */
static size_t ckpt_as_version_2(const unsigned char *in, size_t n, unsigned char *out,
                                int n_samples)
{
    size_t i = 12, o, row;
    uint64_t h = 0xcbf29ce484222325ULL;
    uint32_t len, n_rows;
    int s, r;

    memcpy(out, in, 12);
    out[8] = 2;
    for (s = 0; s < 4; s++) {           /* network, netc_version, source_hash, save */
        memcpy(&len, in + i, 4);
        i += 4 + len;
    }
    i += 8 + 4 * 4 + 8;                 /* lr, epochs, batch, limit, shuffle, seed */
    memcpy(out + 12, in + 12, i - 12);
    o = i;
    i += 16;                            /* validation, early_stop, keep_best */
    row = 4 + 4 + 8 + 8 + 32 + 4 + 8 + 4 * (size_t)n_samples;   /* ... the order */
    memcpy(out + o, in + i, row);
    o += row;
    i += row;
    memcpy(&n_rows, in + i, 4);
    memcpy(out + o, in + i, 4);
    o += 4;
    i += 4;
    for (r = 0; r < (int)n_rows; r++) {
        memcpy(out + o, in + i, 4 + 7 * 8);
        o += 4 + 7 * 8;
        i += 4 + 18 * 8;
    }
    i += 8 + 8 + 4 + 4 + 8 + 4 + 8;     /* the monitor, no best weights */
    memcpy(out + o, in + i, n - 8 - i); /* state_size, state */
    o += n - 8 - i;
    for (i = 0; i < o; i++)
        h = (h ^ out[i]) * 0x100000001b3ULL;
    for (s = 0; s < 8; s++)
        out[o++] = (unsigned char)(h >> (8 * s));
    return o;
}

/* Version 3 carries the validation settings, figures and decisions (and the best weights
 * with --keep best); a version 2 file is still read, as a run without validation. */
static void test_ckpt_validation(void)
{
    int order[5];
    netc_epoch_metrics row;
    float state[11], best[3] = { 1.5f, -2.25f, 0.125f };
    netc_checkpoint c = toy_checkpoint(order, &row, state), back;
    unsigned char *buf, v2[4096];
    size_t size, n2;
    char p[256], q[256];
    netc_error err;

    c.validation = 0.25;
    c.early_stop = 3;
    c.keep_best = 1;
    row.val_loss = 0.75;
    row.val_acc = 0.5;
    row.test_fit.mae = row.test_fit.rmse = row.test_fit.r2 = NAN;
    row.train_fit = row.val_fit = row.test_fit;
    c.plateau.lr = 0.125;
    c.plateau.best = 0.75;
    c.plateau.bad_epochs = 2;
    c.plateau.cooldown_left = 1;
    c.best_loss = 0.75;
    c.best_epoch = 1;
    c.n_best = 3;
    c.best = best;
    test_path(p, sizeof p, "val.ckpt");
    CU_ASSERT_FATAL(netc_checkpoint_write(p, &c, &err) == 0);
    CU_ASSERT_FATAL(netc_checkpoint_read(p, &back, &err) == 0);
    CU_ASSERT(back.validation == 0.25 && back.early_stop == 3 && back.keep_best == 1);
    CU_ASSERT(back.rows[0].val_loss == 0.75 && back.rows[0].val_acc == 0.5);
    CU_ASSERT(isnan(back.rows[0].test_fit.mae) && isnan(back.rows[0].val_fit.r2));
    CU_ASSERT(back.plateau.lr == 0.125 && back.plateau.best == 0.75);
    CU_ASSERT(back.plateau.bad_epochs == 2 && back.plateau.cooldown_left == 1);
    CU_ASSERT(back.best_loss == 0.75 && back.best_epoch == 1 && back.n_best == 3);
    CU_ASSERT(back.best && memcmp(back.best, best, sizeof best) == 0);
    netc_checkpoint_free(&back);
    c.best_epoch = 2;                   /* after the finished epochs */
    expect_ckpt_error(&c, "the best epoch is 2", "expected 0 to 1");
    c.best_epoch = 1;
    c.plateau.lr = 0;
    expect_ckpt_error(&c, "the plateau schedule's rate is 0", "positive");
    c.plateau.lr = 0.125;
    c.validation = 2.5;
    expect_ckpt_error(&c, "validation 2.5", "a fraction below 1");
    /* version 2: as the same run without validation */
    c = toy_checkpoint(order, &row, state);
    CU_ASSERT_FATAL(netc_checkpoint_write(p, &c, &err) == 0);
    CU_ASSERT_FATAL(netc_read_file(p, 1 << 20, &buf, &size, &err) == 0);
    CU_ASSERT_FATAL(size <= sizeof v2);
    n2 = ckpt_as_version_2(buf, size, v2, 5);
    free(buf);
    write_bytes(q, sizeof q, "v2.ckpt", v2, n2);
    CU_ASSERT_FATAL(netc_checkpoint_read(q, &back, &err) == 0);
    CU_ASSERT(back.validation == 0 && back.early_stop == 0 && back.keep_best == 0);
    CU_ASSERT(back.n_rows == 1 && back.rows[0].train_loss == 0.5 && isnan(back.rows[0].val_loss));
    CU_ASSERT(back.plateau.lr == 0.25 && isinf(back.best_loss) && back.best_epoch == 0);
    CU_ASSERT(back.n_best == 0 && back.best == NULL);
    CU_ASSERT(back.state_size == sizeof state && memcmp(back.state, state, sizeof state) == 0);
    netc_checkpoint_free(&back);
}

static void test_ckpt_write_failure(void)
{
    int order[5];
    netc_epoch_metrics row;
    float state[11];
    netc_checkpoint c = toy_checkpoint(order, &row, state);
    char p[256];
    netc_error err;

    test_path(p, sizeof p, "missing-dir/run.ckpt");
    CU_ASSERT(netc_checkpoint_write(p, &c, &err) == -1);
    ASSERT_MSG(&err, "missing-dir/run.ckpt: cannot create a temporary file", "");
    CU_ASSERT(netc_checkpoint_write(test_scratch(), &c, &err) == -1);
    ASSERT_MSG(&err, "exists and is not a regular file", "refusing");
    CU_ASSERT(netc_checkpoint_write("/dev/null", &c, &err) == -1);
    ASSERT_MSG(&err, "/dev/null: exists and is not a regular file", "");
}

static void test_memory_check(void)
{
    netc_error err;

    CU_ASSERT(netc_check_memory(1e6, &err, "small") == 0);
    CU_ASSERT(netc_check_memory(4e15, &err, "%s: %d rows x %d features x 4 bytes", "big.csv",
                                1000000, 1000000000) == -1);
    ASSERT_MSG(&err, "big.csv: 1000000 rows x 1000000000 features x 4 bytes = 4000000000.0 MB",
               "more than the");
}

static void test_cli_checkpoint(void)
{
    netc_model m = toy_model();
    netc_options o;
    netc_error err;
    char *plain[] = { "toy", "train", NULL };
    char *resume[] = { "toy", "train", "--resume", "r.ckpt", "--data", "d", "--checkpoint",
                       "c.ckpt", "--checkpoint-every", "0", NULL };
    char *changed[] = { "toy", "train", "--resume", "r.ckpt", "--epochs", "9", NULL };

    CU_ASSERT_FATAL(netc_parse_options(&m, 2, plain, &o, &err) == 0);
    CU_ASSERT(o.checkpoint == NULL && o.resume == NULL && o.checkpoint_every == 60);
    CU_ASSERT_FATAL(netc_parse_options(&m, 10, resume, &o, &err) == 0);
    CU_ASSERT(strcmp(o.resume, "r.ckpt") == 0 && strcmp(o.checkpoint, "c.ckpt") == 0);
    CU_ASSERT(o.checkpoint_every == 0 && o.format == NETC_DATA_IDX);
    CU_ASSERT(netc_parse_options(&m, 6, changed, &o, &err) == -1);
    ASSERT_MSG(&err, "--resume continues with the checkpoint's settings", "drop --epochs");
}

/* ---- registration ----------------------------------------------------------------- */

typedef struct test_case {
    const char *name;
    void (*fn)(void);
} test_case;

static void add_suite(const char *name, const test_case *tests)
{
    CU_pSuite s = CU_add_suite(name, test_scratch_init, test_scratch_cleanup);

    for (; s && tests->name; tests++)
        CU_add_test(s, tests->name, tests->fn);
}

void runtime_idx_register(void);
void runtime_csv_register(void);
void runtime_safetensors_register(void);
void runtime_data_register(void);
void runtime_checkpoint_register(void);

void runtime_idx_register(void)
{
    static const test_case tests[] = {
        { "good file", test_idx_good }, { "bad magic and type", test_idx_bad_magic },
        { "truncated", test_idx_truncated }, { "huge dimensions", test_idx_huge_dims },
        { "count mismatch", test_idx_count_mismatch }, { "label range", test_idx_label_range },
        { NULL, NULL }
    };
    add_suite("runtime_idx", tests);
}

void runtime_csv_register(void)
{
    static const test_case tests[] = {
        { "header, CRLF, label last", test_csv_good },
        { "label first and by index", test_csv_label_columns },
        { "errors at line:column", test_csv_errors },
        { "caller's header hint", test_csv_header_hint },
        { "garbage and labels out of range", test_csv_garbage }, { NULL, NULL }
    };
    add_suite("runtime_csv", tests);
}

void runtime_safetensors_register(void)
{
    static const test_case tests[] = {
        { "exact bytes", test_st_exact_bytes }, { "round trip, transposed", test_st_round_trip },
        { "model mismatch", test_st_model_mismatch }, { "conv tensor", test_st_conv },
        { "write failure", test_st_write_failure },
        { "non-finite values", test_st_non_finite },
        { "another network's file", test_st_other_network },
        { "hostile header", test_st_hostile_header },
        { "hostile tensors", test_st_hostile_tensors }, { "escapes", test_st_escapes },
        { NULL, NULL }
    };
    add_suite("runtime_safetensors", tests);
}

void runtime_data_register(void)
{
    static const test_case tests[] = {
        { "targets", test_targets }, { "input size check", test_check_input },
        { "scaling", test_scaling }, { "rng", test_rng }, { "lr schedule", test_schedule },
        { "schedule text", test_schedule_text }, { "plateau schedule", test_plateau },
        { "validation split", test_validation_split },
        { "command line", test_cli }, { NULL, NULL }
    };
    add_suite("runtime_data", tests);
}

void runtime_checkpoint_register(void)
{
    static const test_case tests[] = {
        { "round trip", test_ckpt_round_trip }, { "hostile files", test_ckpt_hostile },
        { "validation and version 2", test_ckpt_validation },
        { "write failure", test_ckpt_write_failure }, { "memory check", test_memory_check },
        { "command line", test_cli_checkpoint }, { NULL, NULL }
    };
    add_suite("runtime_checkpoint", tests);
}
